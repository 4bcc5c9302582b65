package dev.mailgate.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configuration contract: defaults of SPEC.md, and bad values named by their key. */
class MailgateConfigTest {

    @Test
    void defaultsAreThoseOfTheContract() {
        MailgateConfig config = load(Map.of());
        assertThat(config.smtp().bind()).isEqualTo("0.0.0.0");
        assertThat(config.smtp().submissionPort()).isEqualTo(587);
        assertThat(config.smtp().submissionsPort()).isEqualTo(465);
        assertThat(config.auth().audience()).isEqualTo("mailgate");
        assertThat(config.auth().sendRole()).isEqualTo("mail-send");
        assertThat(config.auth().sendersClaim()).isEqualTo("allowed_senders");
        assertThat(config.limits().maxMessageSize()).isEqualTo(26214400L);
        assertThat(config.limits().recipientsPerMessage()).isEqualTo(100);
        assertThat(config.limits().messagesPerMinute()).isEqualTo(120);
        assertThat(config.limits().authFailures()).isEqualTo(5);
        assertThat(config.delivery().mode()).isEqualTo(MailgateConfig.Delivery.Mode.MX);
        assertThat(config.delivery().port()).isEqualTo(25);
        assertThat(config.delivery().tls()).isEqualTo(MailgateConfig.Delivery.TlsPolicy.OPPORTUNISTIC);
        assertThat(config.delivery().trustAll()).isFalse();
        assertThat(config.delivery().dnsServers()).isEmpty();
        assertThat(config.smtp().effectiveHostname()).isNotBlank();
        assertThat(config.smtp().contentBuffer())
                .as("unset: a quarter of the heap")
                .isEmpty();
    }

    @Test
    void contractValuesAreRead() {
        MailgateConfig config = load(Map.of(
                "mailgate.smtp.submission-port",
                "-1",
                "mailgate.delivery.mode",
                "capture",
                "mailgate.delivery.tls",
                "required",
                "mailgate.delivery.dns-servers",
                "127.0.0.1:5353,[::1]:53",
                "mailgate.smtp.hostname",
                "smtp.example.com",
                "mailgate.smtp.content-buffer",
                "64M"));
        assertThat(config.smtp().contentBuffer())
                .hasValueSatisfying(m -> assertThat(m.asLongValue()).isEqualTo(64L << 20));
        assertThat(config.smtp().submissionPort()).isEqualTo(-1);
        assertThat(config.delivery().mode()).isEqualTo(MailgateConfig.Delivery.Mode.CAPTURE);
        assertThat(config.delivery().tls()).isEqualTo(MailgateConfig.Delivery.TlsPolicy.REQUIRED);
        assertThat(config.delivery().dnsServers())
                .hasValueSatisfying(l -> assertThat(l).containsExactly("127.0.0.1:5353", "[::1]:53"));
        assertThat(config.delivery().effectiveHeloName(config.smtp())).isEqualTo("smtp.example.com");
    }

    @Test
    void anOutOfRangePortIsRefusedByName() {
        assertThatThrownBy(() -> load(Map.of("mailgate.smtp.submission-port", "70000")))
                .hasMessageContaining("mailgate.smtp.submission-port");
    }

    @Test
    void anUnknownDeliveryModeIsRefusedByName() {
        assertThatThrownBy(() -> load(Map.of("mailgate.delivery.mode", "carrier-pigeon")))
                .hasMessageContaining("mailgate.delivery.mode");
    }

    @Test
    void aZeroRecipientLimitIsRefusedByName() {
        assertThatThrownBy(() -> load(Map.of("mailgate.limits.recipients-per-message", "0")))
                .hasMessageContaining("mailgate.limits.recipients-per-message");
    }

    private static MailgateConfig load(Map<String, String> values) {
        Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withConverter(
                        io.quarkus.runtime.configuration.MemorySize.class,
                        200,
                        new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withMapping(MailgateConfig.class)
                .withSources(new PropertiesConfigSource(new HashMap<>(values), "test", 500))
                .withValidator((BeanValidationConfigValidator) () -> validator)
                .build();
        return config.getConfigMapping(MailgateConfig.class);
    }
}
