package dev.mailgate.inbound;

/** What the adapter negotiated: protocol (e.g. {@code TLSv1.3}) and cipher suite; used in the Received header and audit. */
public record TlsInfo(String protocol, String cipherSuite) {}
