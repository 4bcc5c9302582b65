package dev.mailgate.mail;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LineBreaksTest {

    @Test
    void findsTheFirstLineEndInsideTheRangeOnly() {
        byte[] text = "abcdefghij\r\nklmnopqrstuvwxyz\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(LineBreaks.nextLf(text, 0, text.length)).isEqualTo(11);
        assertThat(LineBreaks.nextCrOrLf(text, 0, text.length)).isEqualTo(10);
        assertThat(LineBreaks.nextLf(text, 12, text.length)).isEqualTo(text.length - 1);
        assertThat(LineBreaks.nextLf(text, 12, text.length - 1))
                .as("an LF past the range")
                .isEqualTo(text.length - 1);
        assertThat(LineBreaks.nextCrOrLf(text, 0, 10)).as("none in range").isEqualTo(10);
    }

    @Test
    void agreesWithAPlainSearchAtEveryOffsetOfRandomText() {
        Random random = new Random(7);
        // 0x01 and 0x0B/0x0C/0x0E sit next to the searched values: the word trick must not mistake them
        byte[] alphabet = {'\r', '\n', 'a', '.', 0x01, 0x0B, 0x0C, 0x0E, 0x09, (byte) 0x8A, (byte) 0x8D, (byte) 0xFF};
        for (int n = 0; n < 3000; n++) {
            byte[] text = new byte[random.nextInt(40)];
            for (int i = 0; i < text.length; i++) {
                // mostly plain text, so that whole words without a line end occur
                text[i] = random.nextInt(4) == 0
                        ? alphabet[random.nextInt(alphabet.length)]
                        : (byte) ('a' + random.nextInt(26));
            }
            int from = text.length == 0 ? 0 : random.nextInt(text.length + 1);
            int to = from + random.nextInt(text.length - from + 1);
            assertThat(LineBreaks.nextLf(text, from, to)).isEqualTo(plain(text, from, to, false));
            assertThat(LineBreaks.nextCrOrLf(text, from, to)).isEqualTo(plain(text, from, to, true));
        }
    }

    private static int plain(byte[] text, int from, int to, boolean cr) {
        for (int i = from; i < to; i++) {
            if (text[i] == '\n' || (cr && text[i] == '\r')) {
                return i;
            }
        }
        return to;
    }
}
