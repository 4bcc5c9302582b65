package dev.mailgate.queue;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Locale;

/** Delivery state of one recipient. Stored lower-case, as the API shows it. */
public enum RecipientState {
    QUEUED,
    DEFERRED,
    DELIVERED,
    BOUNCED,
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Converter(autoApply = true)
    public static class DbConverter implements AttributeConverter<RecipientState, String> {
        @Override
        public String convertToDatabaseColumn(RecipientState state) {
            return state == null ? null : state.label();
        }

        @Override
        public RecipientState convertToEntityAttribute(String value) {
            return value == null ? null : RecipientState.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
