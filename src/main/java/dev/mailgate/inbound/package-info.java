/**
 * The SMTP submission session (587 STARTTLS, 465 implicit TLS) as a pure state machine: no sockets,
 * no threads, no framework. {@link dev.mailgate.inbound.SmtpServerSession} takes bytes and completion
 * callbacks and returns {@link dev.mailgate.inbound.SessionAction}s that a thin adapter performs in order.
 *
 * <h2>Adapter contract</h2>
 * <ul>
 * <li>Call {@code start()} once the connection is up (on 465: after the TLS handshake, passing the
 * negotiated {@link dev.mailgate.inbound.TlsInfo} in {@link dev.mailgate.inbound.SessionContext#tls()}).</li>
 * <li>{@code Reply.text()} is the complete wire text, CRLFs included: write it as is.</li>
 * <li>{@code StartTls}: write the replies before it, upgrade the socket, then call {@code tlsStarted(info)}.
 * Bytes read in between must still be passed to {@code receive()} or dropped: the session drops them.
 * If the handshake fails, just close the connection.</li>
 * <li>{@code Authenticate} / {@code Submit}: exactly one {@code authCompleted} / {@code submissionCompleted}
 * must follow. Until then input is buffered, not processed; pause socket reads while {@code awaiting()}.</li>
 * <li>{@code Close}: write the replies before it, then close. {@code closed()} stays true.</li>
 * <li>{@code idleTimeout()} when the client was silent for too long (also during DATA).</li>
 * <li>Calling a completion method that was not asked for throws {@link java.lang.IllegalStateException}.</li>
 * </ul>
 *
 * <h2>Reply choices where the RFCs leave room</h2>
 * <ul>
 * <li>Enhanced status codes are sent on every reply (also after HELO) except the 220 greeting and the
 * first line of EHLO/HELO, which carry the host name.</li>
 * <li>Text line over 1000 octets (incl. CRLF, counted on the wire with the stuffed dot):
 * {@code 554 5.6.0 Message contains a line longer than 1000 octets}, at the end of the message.</li>
 * <li>Bare CR or LF in a command line: {@code 500 5.5.2 Bare CR or LF received; lines must end with CRLF}.</li>
 * <li>Too many messages in one session: {@code 421 4.7.0 Too many messages in this session, closing connection}
 * and Close, on the MAIL after the limit (the client reconnects).</li>
 * <li>Too many errors: {@code 421 4.7.0 Too many errors, closing connection} after the
 * {@code maxInvalidCommands}-th 5xx reply.</li>
 * <li>BDAT refused for state (no TLS/AUTH/MAIL/RCPT): the chunk is consumed first, then
 * {@code 530 5.7.0 ...} or {@code 503 5.5.1 Need MAIL/RCPT command first}. A non-LAST chunk that takes the
 * message over the size limit gets {@code 552 5.3.4}, as does every later chunk up to LAST.</li>
 * <li>Messages with a bare CR/LF, over the size limit or with long lines are all read to their real end
 * and refused (in that order of precedence); nothing is submitted.</li>
 * <li>MAIL with parameters after HELO (not EHLO): {@code 555 5.5.4 Parameters need EHLO}.</li>
 * <li>AUTH before EHLO: {@code 503 5.5.1 Send EHLO first}. Malformed SASL message:
 * {@code 501 5.5.2 Malformed authentication data}. PLAIN with an authzid other than the user:
 * {@code 535 5.7.8}. A temporary verifier failure does not use up the session's one AUTH.</li>
 * <li>Duplicate RCPT: accepted again with 250 but kept once in the envelope.</li>
 * <li>OAUTHBEARER error challenge scope: {@code openid}; XOAUTH2: {@code https://mail.google.com/}.</li>
 * </ul>
 */
package dev.mailgate.inbound;
