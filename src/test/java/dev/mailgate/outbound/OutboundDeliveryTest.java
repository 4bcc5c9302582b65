package dev.mailgate.outbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.config.MailgateConfig;
import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.EnvelopeRecipient;
import dev.mailgate.queue.MessageStore;
import dev.mailgate.queue.NewMessage;
import dev.mailgate.testsupport.Dkimpy;
import dev.mailgate.testsupport.Enqueue;
import dev.mailgate.testsupport.IndependentDelivery;
import dev.mailgate.testsupport.OutboundPeers;
import dev.mailgate.testsupport.StoredMail;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery against real sockets: a DNS server (dnsjava) serving MX records, a real SMTP server
 * (subethasmtp, STARTTLS offered) behind them, PostgreSQL underneath, dkimpy checking signatures.
 */
@QuarkusTest
@TestProfile(OutboundDeliveryTest.Peers.class)
class OutboundDeliveryTest {

    public static class Peers implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OutboundPeers.class));
        }
    }

    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @Inject
    MessageStore store;

    @Inject
    Pool pool;

    @Inject
    DeliveryEngineFactory engines;

    @Inject
    MailgateConfig config;

    @Inject
    ContentBudget budget;

    @Inject
    FreshMessages fresh;

    @Inject
    io.vertx.core.Vertx vertx;

    @ConfigProperty(name = "outbound-test.sink-dir")
    Path sinkDir;

    @ConfigProperty(name = "outbound-test.dkim-records")
    Path dkimRecords;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String dbUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;

    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;

    // ---- helpers

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static byte[] mime(String from, String to, String subject) {
        return ("From: <" + from + ">\r\n"
                        + "To: <" + to + ">\r\n"
                        + "Subject: " + subject + "\r\n"
                        + "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
                        + "Message-ID: <" + UUID.randomUUID() + "@mailgate.test>\r\n"
                        + "MIME-Version: 1.0\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Transfer-Encoding: 8bit\r\n"
                        + "\r\n"
                        + "Hello  there,\r\n"
                        + ".a line with a leading dot\r\n"
                        + "caf\u00e9 \u2013 8-bit text\r\n"
                        + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private UUID submit(Envelope envelope, byte[] raw) {
        UUID id = UUID.randomUUID();
        Enqueue.withoutLimits(
                        store,
                        new NewMessage(
                                id, Instant.now(), "tester", "127.0.0.1", Door.API, envelope, raw, Optional.empty()))
                .await()
                .atMost(Duration.ofSeconds(30));
        return id;
    }

    private UUID submit(String sender, List<String> rcpts, byte[] raw) {
        return submit(
                new Envelope(
                        sender,
                        rcpts.stream().map(EnvelopeRecipient::of).toList(),
                        Optional.of("8BITMIME"),
                        false,
                        Optional.empty(),
                        Optional.empty()),
                raw);
    }

    private List<StoredMail.Recipient> awaitFinal(UUID id) {
        List<StoredMail.Recipient>[] holder = new List[1];
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            holder[0] = StoredMail.recipients(id);
            return holder[0].stream().allMatch(StoredMail.Recipient::isFinal);
        });
        return holder[0];
    }

    private List<Row> rows(String sql, Object... params) {
        List<Row> out = new ArrayList<>();
        pool.preparedQuery(sql)
                .execute(Tuple.tuple(Arrays.asList(params)))
                .await()
                .atMost(Duration.ofSeconds(30))
                .forEach(out::add);
        return out;
    }

    /** Messages the SMTP server received: envelope lines (sender first) and bytes. */
    record Received(List<String> envelope, byte[] bytes) {
        String sender() {
            return envelope.get(0);
        }

        List<String> recipients() {
            return envelope.subList(1, envelope.size());
        }
    }

    private List<Received> received() throws Exception {
        List<Received> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(sinkDir)) {
            for (Path eml :
                    files.filter(p -> p.toString().endsWith(".eml")).sorted().toList()) {
                Path env = eml.resolveSibling(eml.getFileName().toString().replace(".eml", ".env"));
                out.add(new Received(Files.readAllLines(env), Files.readAllBytes(eml)));
            }
        }
        return out;
    }

    private List<Received> receivedFor(String rcpt) throws Exception {
        return received().stream().filter(r -> r.recipients().contains(rcpt)).toList();
    }

    /** What comes after the DKIM-Signature field (and anything the receiving server put before it). */
    private static byte[] afterDkimHeader(byte[] received) {
        String s = new String(received, StandardCharsets.ISO_8859_1);
        int start = s.indexOf("DKIM-Signature:");
        assertThat(start).as("a DKIM-Signature field").isGreaterThanOrEqualTo(0);
        int end = start;
        do {
            end = s.indexOf("\r\n", end) + 2;
        } while (s.charAt(end) == ' ' || s.charAt(end) == '\t');
        return Arrays.copyOfRange(received, end, received.length);
    }

    // ---- tests

    @Test
    void deliversViaMxWithStartTlsInOneTransactionAndOnlyAddsARsaDkimSignature() throws Exception {
        String t = tag();
        String a = "a-" + t + "@ok.test";
        String b = "b-" + t + "@ok.test";
        byte[] raw = mime("alice@rsa.test", a, "rsa " + t);
        UUID id = submit("alice@rsa.test", List.of(a, b), raw);

        List<StoredMail.Recipient> final_ = awaitFinal(id);
        assertThat(final_).allSatisfy(r -> assertThat(r.state()).isEqualTo("delivered"));

        List<Received> got = receivedFor(a);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).recipients()).containsExactly(a, b); // both in one SMTP transaction
        assertThat(got.get(0).sender()).isEqualTo("alice@rsa.test");
        assertThat(afterDkimHeader(got.get(0).bytes())).isEqualTo(raw);
        assertThat(Dkimpy.verify(got.get(0).bytes(), dkimRecords)).startsWith("PASS rsa.test rsa-sha256");

        List<Row> attempts = rows(
                "SELECT a.mx_host, a.tls, a.outcome, a.remote_reply FROM delivery_attempt a "
                        + "JOIN recipient r ON r.id = a.recipient_id WHERE r.message_id = $1",
                id);
        assertThat(attempts).hasSize(2).allSatisfy(row -> {
            assertThat(row.getString("mx_host")).isEqualTo("mx.sink.test");
            assertThat(row.getString("tls")).as("STARTTLS was used").startsWith("TLSv1.");
            assertThat(row.getString("outcome")).isEqualTo("delivered");
            assertThat(row.getString("remote_reply")).startsWith("250");
        });
    }

    @Test
    void aLargeMessageIsSignedOffTheEventLoopAndArrivesByteForByte() throws Exception {
        String to = "big-" + tag() + "@ok.test";
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 300_000; i++) {
            body.append(i % 7 == 0 ? "." : "").append("line ").append(i).append(" \u00e9t\u00e9  \t trailing \r\n");
        }
        byte[] head = mime("alice@rsa.test", to, "large");
        byte[] raw = new byte[head.length + body.toString().getBytes(StandardCharsets.UTF_8).length];
        System.arraycopy(head, 0, raw, 0, head.length);
        byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, raw, head.length, b.length);
        UUID id = submit("alice@rsa.test", List.of(to), raw);
        assertThat(awaitFinal(id)).allSatisfy(r -> assertThat(r.state()).isEqualTo("delivered"));
        Received got = receivedFor(to).get(0);
        assertThat(afterDkimHeader(got.bytes())).isEqualTo(raw);
        assertThat(Dkimpy.verify(got.bytes(), dkimRecords)).startsWith("PASS rsa.test rsa-sha256");
    }

    @Test
    void aMessageStillGoesOutWhenSmtpSessionsHoldTheWholeContentBudgetAndGivesItsShareBack() throws Exception {
        long held = budget.capacity();
        assertThat(budget.admit(held, true)).isTrue(); // as if SMTP sessions filled it
        try {
            String to = "budget-" + tag() + "@ok.test";
            UUID id = submit("alice@rsa.test", List.of(to), mime("alice@rsa.test", to, "no room"));
            assertThat(awaitFinal(id)).allSatisfy(r -> assertThat(r.state()).isEqualTo("delivered"));
            assertThat(receivedFor(to)).hasSize(1);
        } finally {
            budget.release(held);
        }
        // every delivery gives back what it took
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> budget.reserved() == fresh.octets()); // what is left: messages kept for delivery
    }

    @Test
    void ed25519SignatureVerifiesIndependently() throws Exception {
        String to = "e-" + tag() + "@ok.test";
        byte[] raw = mime("eve@ed.test", to, "ed25519");
        UUID id = submit("eve@ed.test", List.of(to), raw);
        assertThat(awaitFinal(id)).allSatisfy(r -> assertThat(r.state()).isEqualTo("delivered"));
        Received got = receivedFor(to).get(0);
        assertThat(afterDkimHeader(got.bytes())).isEqualTo(raw);
        assertThat(Dkimpy.verify(got.bytes(), dkimRecords)).startsWith("PASS ed.test ed25519-sha256");
    }

    @Test
    void nextMxAfterAConnectionFailureAndImplicitMxFromTheARecord() throws Exception {
        String t = tag();
        String viaBackup = "f-" + t + "@fallback.test";
        String implicit = "i-" + t + "@implicit.test";
        UUID id = submit("x@plain.test", List.of(viaBackup, implicit), mime("x@plain.test", viaBackup, "fallback"));
        assertThat(awaitFinal(id)).allSatisfy(r -> assertThat(r.state()).isEqualTo("delivered"));
        assertThat(receivedFor(viaBackup)).hasSize(1);
        assertThat(receivedFor(implicit)).hasSize(1);
        Map<String, String> hostByRcpt = new HashMap<>();
        rows(
                        "SELECT r.address, a.mx_host FROM delivery_attempt a JOIN recipient r ON r.id = a.recipient_id "
                                + "WHERE r.message_id = $1",
                        id)
                .forEach(row -> hostByRcpt.put(row.getString(0), row.getString(1)));
        assertThat(hostByRcpt).containsEntry(viaBackup, "mx.sink.test").containsEntry(implicit, "implicit.test");
    }

    @Test
    void temporaryRefusalIsDeferredWithARetryAndThenDelivered() throws Exception {
        String to = "g-" + tag() + "@defer.test";
        UUID id = submit("x@plain.test", List.of(to), mime("x@plain.test", to, "greylisted"));
        List<StoredMail.Recipient> final_ = awaitFinal(id);
        assertThat(final_.get(0).state()).isEqualTo("delivered");
        assertThat(final_.get(0).attempts()).isEqualTo(2);
        List<Row> attempts = rows(
                "SELECT a.outcome, a.remote_reply FROM delivery_attempt a JOIN recipient r "
                        + "ON r.id = a.recipient_id WHERE r.message_id = $1 ORDER BY a.attempted_at",
                id);
        assertThat(attempts).extracting(r -> r.getString("outcome")).containsExactly("deferred", "delivered");
        assertThat(attempts.get(0).getString("remote_reply")).startsWith("451 4.7.1");
        assertThat(receivedFor(to)).hasSize(1);
    }

    @Test
    void permanentRefusalBouncesAndOneDsnReachesTheSendersMx() throws Exception {
        String t = tag();
        String sender = "s-" + t + "@sender.test";
        String to = "r-" + t + "@reject.test";
        Envelope env = new Envelope(
                sender,
                List.of(new EnvelopeRecipient(to, Optional.of("FAILURE"), Optional.of("rfc822;" + to))),
                Optional.of("8BITMIME"),
                false,
                Optional.of("HDRS"),
                Optional.of("env-" + t));
        UUID id = submit(env, mime(sender, to, "will bounce " + t));
        List<StoredMail.Recipient> final_ = awaitFinal(id);
        assertThat(final_.get(0).state()).isEqualTo("bounced");
        assertThat(final_.get(0).attempts()).isEqualTo(1);
        assertThat(final_.get(0).lastReply()).startsWith("550 5.1.1");

        await().atMost(PATIENCE).until(() -> !receivedFor(sender).isEmpty());
        // the DSN's own recipient is delivered: nothing more will come
        List<Row> dsnRcpt = rows(
                "SELECT r.state, m.id FROM recipient r JOIN message m ON m.id = r.message_id "
                        + "WHERE m.door = 'dsn' AND r.address = $1",
                sender);
        assertThat(dsnRcpt).hasSize(1);
        assertThat(awaitFinal(dsnRcpt.get(0).getUUID("id")))
                .allSatisfy(r -> assertThat(r.state()).isEqualTo("delivered"));
        List<Received> dsns = receivedFor(sender);
        assertThat(dsns).hasSize(1);
        assertThat(dsns.get(0).sender()).isEmpty(); // MAIL FROM:<>
        String dsn = new String(dsns.get(0).bytes(), StandardCharsets.UTF_8);
        assertThat(dsn)
                .contains("multipart/report")
                .contains("report-type=delivery-status")
                .contains("message/delivery-status")
                .contains("Original-Envelope-Id: env-" + t)
                .contains("Original-Recipient: rfc822;" + to)
                .contains("Final-Recipient: rfc822; " + to)
                .contains("Action: failed")
                .contains("Status: 5.1.1")
                .contains("Remote-MTA: dns; mx.sink.test")
                .contains("Diagnostic-Code: smtp; 550 5.1.1")
                .contains("text/rfc822-headers")
                .contains("Subject: will bounce " + t);
    }

    @Test
    void nullMxBouncesWithoutAnyConnectionAndTheDsnIsDelivered() throws Exception {
        String t = tag();
        String sender = "n-" + t + "@sender.test";
        String to = "x-" + t + "@nullmx.test";
        UUID id = submit(sender, List.of(to), mime(sender, to, "null mx"));
        List<StoredMail.Recipient> final_ = awaitFinal(id);
        assertThat(final_.get(0).state()).isEqualTo("bounced");
        assertThat(final_.get(0).lastReply()).startsWith("556 5.1.10");
        List<Row> attempts = rows(
                "SELECT a.mx_host FROM delivery_attempt a JOIN recipient r ON r.id = a.recipient_id "
                        + "WHERE r.message_id = $1",
                id);
        assertThat(attempts).hasSize(1);
        assertThat(attempts.get(0).getString("mx_host"))
                .as("no host was contacted")
                .isNull();
        await().atMost(PATIENCE).until(() -> receivedFor(sender).size() == 1);
        assertThat(new String(receivedFor(sender).get(0).bytes(), StandardCharsets.UTF_8))
                .contains("Status: 5.1.10");
    }

    @Test
    void temporaryFailuresPastTheMaximumAgeFailWithADsn() throws Exception {
        String t = tag();
        String sender = "old-" + t + "@sender.test";
        String to = "z-" + t + "@dead.test"; // its only MX refuses connections
        UUID id = UUID.randomUUID();
        Enqueue.withoutLimits(
                        store,
                        new NewMessage(
                                id,
                                Instant.now().minus(Duration.ofDays(5)).minusSeconds(60),
                                "tester",
                                "127.0.0.1",
                                Door.API,
                                Envelope.simple(sender, List.of(to)),
                                mime(sender, to, "too old"),
                                Optional.empty()))
                .await()
                .atMost(Duration.ofSeconds(30));
        List<StoredMail.Recipient> final_ = awaitFinal(id);
        assertThat(final_.get(0).state()).isEqualTo("failed");
        assertThat(final_.get(0).lastReply()).startsWith("451 4.4.1").contains("giving up");
        await().atMost(PATIENCE).until(() -> receivedFor(sender).size() == 1);
        String dsn = new String(receivedFor(sender).get(0).bytes(), StandardCharsets.UTF_8);
        assertThat(dsn).contains("Action: failed").contains("Status: 4.4.1").contains("Final-Recipient: rfc822; " + to);
    }

    @Test
    void aRecipientStillDeferredAfterTheDelayNoticeTimeGetsOneDelayedDsn() throws Exception {
        String t = tag();
        String sender = "late-" + t + "@sender.test";
        String to = "w-" + t + "@dead.test";
        UUID id = UUID.randomUUID();
        Enqueue.withoutLimits(
                        store,
                        new NewMessage(
                                id,
                                Instant.now().minus(Duration.ofHours(2)),
                                "tester",
                                "127.0.0.1",
                                Door.API,
                                Envelope.simple(sender, List.of(to)),
                                mime(sender, to, "slow"),
                                Optional.empty()))
                .await()
                .atMost(Duration.ofSeconds(30));
        // several deferrals (delay-notice is 1h in the test profile, the message is 2h old)
        await().atMost(PATIENCE).until(() -> StoredMail.recipients(id).get(0).attempts() >= 3);
        await().atMost(PATIENCE).until(() -> receivedFor(sender).size() >= 1);
        StoredMail.Recipient r = StoredMail.recipients(id).get(0);
        assertThat(r.state()).isEqualTo("deferred");
        List<Row> notices = rows(
                "SELECT m.id FROM message m JOIN recipient r ON r.message_id = m.id "
                        + "WHERE m.door = 'dsn' AND r.address = $1",
                sender);
        assertThat(notices).hasSize(1);
        assertThat(awaitFinal(notices.get(0).getUUID(0)))
                .allSatisfy(x -> assertThat(x.state()).isEqualTo("delivered"));
        List<Received> got = receivedFor(sender);
        assertThat(got).hasSize(1);
        assertThat(new String(got.get(0).bytes(), StandardCharsets.UTF_8))
                .contains("Action: delayed")
                .contains("Subject: Delayed Mail")
                .contains("Final-Recipient: rfc822; " + to);
    }

    @Test
    void aBounceThatBouncesMakesNoDsn() throws Exception {
        String to = "bb-" + tag() + "@reject.test";
        UUID id = submit("", List.of(to), mime("mailer-daemon@plain.test", to, "a bounce"));
        List<StoredMail.Recipient> final_ = awaitFinal(id);
        assertThat(final_.get(0).state()).isEqualTo("bounced");
        // a DSN would have been written in the same transaction as the bounce
        assertThat(rows(
                                "SELECT count(*) FROM message WHERE door = 'dsn' AND position(convert_to($1, 'UTF8') in raw) > 0",
                                to)
                        .get(0)
                        .getLong(0))
                .isZero();
    }

    /** subethasmtp offers SMTPUTF8; the refusal (5.6.7) towards servers without it is in SmtpClientSessionTest. */
    @Test
    void smtpUtf8MessageIsDeliveredToAServerOfferingSmtpUtf8() throws Exception {
        String to = "u-" + tag() + "@ok.test";
        UUID id = submit(
                new Envelope(
                        "j\u00fcrgen@plain.test",
                        List.of(EnvelopeRecipient.of(to)),
                        Optional.of("8BITMIME"),
                        true,
                        Optional.empty(),
                        Optional.empty()),
                mime("j\u00fcrgen@plain.test", to, "utf8"));
        List<StoredMail.Recipient> final_ = awaitFinal(id);
        assertThat(final_.get(0).state()).isEqualTo("delivered");
        assertThat(receivedFor(to).get(0).sender()).isEqualTo("j\u00fcrgen@plain.test");
    }

    @Test
    void twoWorkerPoolsOnOneDatabaseDeliverFiveHundredMessagesExactlyOnce() throws Exception {
        String t = tag();
        io.vertx.core.Vertx v = vertx;
        var connect = io.vertx.pgclient.PgConnectOptions.fromUri(dbUrl)
                .setUser(dbUser)
                .setPassword(dbPassword);
        io.vertx.sqlclient.Pool secondPool = io.vertx.pgclient.PgBuilder.pool()
                .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(4))
                .connectingTo(connect)
                .using(v)
                .build();
        DeliveryEngine second = IndependentDelivery.engine(
                engines,
                budget,
                Pool.newInstance(secondPool),
                "second-instance-" + t,
                config.delivery().workers());
        second.start();
        try {
            List<Uni<UUID>> submissions = new ArrayList<>();
            Set<String> expected = new HashSet<>();
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String to = "m" + i + "-" + t + "@d" + (i % 5 + 1) + ".test";
                expected.add(to);
                UUID id = UUID.randomUUID();
                ids.add(id);
                submissions.add(Enqueue.withoutLimits(
                                store,
                                new NewMessage(
                                        id,
                                        Instant.now(),
                                        "tester",
                                        "127.0.0.1",
                                        Door.API,
                                        Envelope.simple("bulk@plain.test", List.of(to)),
                                        mime("bulk@plain.test", to, "bulk " + i),
                                        Optional.empty()))
                        .replaceWith(id));
                if (submissions.size() == 50) {
                    Uni.join().all(submissions).andFailFast().await().atMost(Duration.ofMinutes(1));
                    submissions.clear();
                }
            }
            await().atMost(Duration.ofMinutes(6))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> rows(
                                            "SELECT count(*) FROM recipient WHERE address LIKE $1 AND state = 'delivered'",
                                            "%-" + t + "@%")
                                    .get(0)
                                    .getLong(0)
                            == 500);

            Map<String, Integer> deliveries = new HashMap<>();
            for (Received r : received()) {
                for (String rcpt : r.recipients()) {
                    if (expected.contains(rcpt)) {
                        deliveries.merge(rcpt, 1, Integer::sum);
                    }
                }
            }
            assertThat(deliveries).hasSize(500);
            assertThat(deliveries.values()).allMatch(n -> n == 1);
            List<Row> workers = rows(
                    "SELECT a.worker, count(*) FROM delivery_attempt a JOIN recipient r "
                            + "ON r.id = a.recipient_id WHERE r.address LIKE $1 GROUP BY a.worker",
                    "%-" + t + "@%");
            assertThat(workers.stream().mapToLong(r -> r.getLong(1)).sum()).isEqualTo(500);
            assertThat(workers)
                    .extracting(r -> r.getString(0))
                    .contains("second-instance-" + t)
                    .hasSizeGreaterThan(1);
        } finally {
            second.stop();
            secondPool.close();
        }
    }
}
