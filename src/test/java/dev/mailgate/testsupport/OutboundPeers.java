package dev.mailgate.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The outside world of outbound delivery tests: a DNS server with MX records for the test domains,
 * a real SMTP server (with STARTTLS) behind them, DKIM keys for two sender domains. Tests read what
 * the SMTP server received from {@code outbound-test.sink-dir} and the DKIM records from
 * {@code outbound-test.dkim-records}.
 */
public class OutboundPeers implements QuarkusTestResourceLifecycleManager {

    private TestDns dns;
    private TestSmtpSink sink;
    private boolean workersEnabled = true;

    /** {@code workers=off}: no worker pool of its own in the application (the test starts its own). */
    @Override
    public void init(Map<String, String> initArgs) {
        workersEnabled = !"off".equals(initArgs.get("workers"));
    }

    @Override
    public Map<String, String> start() {
        try {
            Path base = Files.createTempDirectory("mailgate-outbound");
            Path sinkDir = base.resolve("sink");
            Path keys = base.resolve("dkim");
            Path records = base.resolve("dkim-records.txt");
            Dkimpy.makeKey(keys, records, "RSA", "rsa2026", "rsa.test");
            Dkimpy.makeKey(keys, records, "Ed25519", "ed2026", "ed.test");
            sink = new TestSmtpSink(sinkDir);
            dns = new TestDns()
                    .a("mx.sink.test", "127.0.0.1")
                    .a("dead.sink.test", "127.0.0.2") // nothing listens there: connection refused
                    .mx("ok.test", 10, "mx.sink.test")
                    .mx("fallback.test", 10, "dead.sink.test")
                    .mx("fallback.test", 20, "mx.sink.test")
                    .mx("defer.test", 10, "mx.sink.test")
                    .mx("reject.test", 10, "mx.sink.test")
                    .mx("sender.test", 10, "mx.sink.test")
                    .mx("rsa.test", 10, "mx.sink.test")
                    .mx("ed.test", 10, "mx.sink.test")
                    .mx("nullmx.test", 0, ".")
                    .mx("dead.test", 10, "dead.sink.test")
                    .a("implicit.test", "127.0.0.1");
            for (int i = 1; i <= 5; i++) {
                dns.mx("d" + i + ".test", 10, "mx.sink.test");
            }
            Map<String, String> config = new HashMap<>();
            config.put("mailgate.delivery.enabled", String.valueOf(workersEnabled));
            config.put("mailgate.delivery.mode", "mx");
            config.put("mailgate.delivery.dns-servers", "127.0.0.1:" + dns.port());
            config.put("mailgate.delivery.port", String.valueOf(sink.port()));
            config.put("mailgate.delivery.trust-all", "true");
            config.put("mailgate.delivery.helo-name", "out.mailgate.test");
            config.put("mailgate.delivery.poll-interval", "200ms");
            config.put("mailgate.delivery.retry-initial", "1s");
            config.put("mailgate.delivery.retry-max", "2s");
            config.put("mailgate.delivery.workers", "4");
            config.put("mailgate.delivery.delay-notice", "1h");
            config.put("mailgate.delivery.batch-size", "20");
            config.put("mailgate.dkim.keys", keys.toString());
            config.put("outbound-test.sink-dir", sinkDir.toString());
            config.put("outbound-test.dkim-records", records.toString());
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("outbound test peers did not start", e);
        }
    }

    @Override
    public void stop() {
        if (sink != null) {
            sink.close();
        }
        if (dns != null) {
            dns.close();
        }
    }
}
