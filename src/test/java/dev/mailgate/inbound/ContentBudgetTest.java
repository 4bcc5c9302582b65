package dev.mailgate.inbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.submission.SubmissionOutcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The heap set aside for message content, shared by sessions: what does not fit is 452 4.3.1, and every path gives it back. */
class ContentBudgetTest {

    private static String body(int octets) {
        StringBuilder b = new StringBuilder("From: alice@example.com\r\nSubject: big\r\n\r\n");
        while (b.length() < octets) {
            b.append("0123456789".repeat(7)).append("\r\n");
        }
        return b.toString();
    }

    private static SmtpDriver session(ContentBudget budget) {
        SmtpDriver d = new SmtpDriver(SessionSettings.submission(SmtpDriver.HOST), budget);
        d.authenticated();
        return d;
    }

    private static String mail(SmtpDriver d, String message) {
        return d.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n" + message + ".\r\n");
    }

    @Test
    void aMessageLargerThanTheBudgetIs452AndTheSessionGoesOn() {
        ContentBudget budget = new ContentBudget(64 * 1024);
        SmtpDriver d = session(budget);

        assertThat(mail(d, body(100_000))).endsWith("452 4.3.1 Insufficient system storage, try again later\r\n");
        assertThat(d.submits).isEmpty();
        assertThat(budget.reserved()).isZero();

        assertThat(mail(d, body(1_000))).endsWith("250 2.0.0 OK queued as 00000000-0000-0000-0000-000000000001\r\n");
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void sessionsShareTheBudgetAndAStoredMessageGivesItsShareBack() {
        ContentBudget budget = new ContentBudget(100_000);
        SmtpDriver first = session(budget);
        first.autoComplete = false; // the store has not answered yet: its message still takes heap
        mail(first, body(60_000));
        assertThat(first.submits).hasSize(1);
        assertThat(budget.reserved()).isGreaterThanOrEqualTo(60_000);

        SmtpDriver second = session(budget);
        assertThat(mail(second, body(60_000))).endsWith("452 4.3.1 Insufficient system storage, try again later\r\n");

        assertThat(first.handle(first.session.submissionCompleted(
                        new SubmissionOutcome.Accepted(first.submits.get(0).id()))))
                .startsWith("250 2.0.0");
        assertThat(budget.reserved()).isZero();
        assertThat(mail(second, body(60_000))).contains("\r\n250 2.0.0 OK queued as ");
        assertThat(second.lastMessage()).endsWith(body(60_000));
    }

    @Test
    void aDeclaredSizeThatDoesNotFitNowIs452AtMail() {
        ContentBudget budget = new ContentBudget(10_000);
        SmtpDriver d = session(budget);
        assertThat(d.send("MAIL FROM:<alice@example.com> SIZE=20000\r\n"))
                .isEqualTo("452 4.3.1 Insufficient system storage, try again later\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com> SIZE=5000\r\n")).startsWith("250 2.1.0");
    }

    @Test
    void permanentFaultsAreReportedBeforeTheBudget() {
        ContentBudget budget = new ContentBudget(16 * 1024);
        SmtpDriver d = session(budget);
        // too large for the budget and carrying a bare LF: retrying later could never succeed
        assertThat(mail(d, body(40_000) + "smuggled\nline\r\n"))
                .endsWith("550 5.6.0 Message contains bare CR or LF; lines must end with CRLF\r\n");
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void aLostConnectionMidDataGivesTheBudgetBack() {
        ContentBudget budget = new ContentBudget(1 << 20);
        SmtpDriver d = session(budget);
        d.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n" + body(30_000));
        assertThat(budget.reserved()).isPositive();
        d.session.connectionLost();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void aStoreAnswerAfterTheSessionClosedStillGivesTheBudgetBack() {
        ContentBudget budget = new ContentBudget(1 << 20);
        SmtpDriver d = session(budget);
        d.autoComplete = false;
        mail(d, body(30_000));
        d.handle(d.session.idleTimeout());
        assertThat(budget.reserved()).isPositive();
        d.handle(d.session.submissionCompleted(
                new SubmissionOutcome.Accepted(d.submits.get(0).id())));
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void rsetBetweenBdatChunksGivesTheBudgetBack() {
        ContentBudget budget = new ContentBudget(1 << 20);
        SmtpDriver d = session(budget);
        String chunk = body(20_000);
        d.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.net>\r\n");
        assertThat(d.send("BDAT " + chunk.length() + "\r\n" + chunk)).startsWith("250 2.0.0 " + chunk.length());
        assertThat(budget.reserved()).isPositive();
        assertThat(d.send("RSET\r\n")).startsWith("250");
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void aBdatChunkOverTheBudgetIs452AndSoIsItsLast() {
        ContentBudget budget = new ContentBudget(10_000);
        SmtpDriver d = session(budget);
        String chunk = body(30_000);
        d.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.net>\r\n");
        assertThat(d.send("BDAT " + chunk.length() + "\r\n" + chunk))
                .isEqualTo(SmtpServerSession.INSUFFICIENT_STORAGE + "\r\n");
        assertThat(d.send("BDAT 5 LAST\r\nend\r\n")).isEqualTo(SmtpServerSession.INSUFFICIENT_STORAGE + "\r\n");
        assertThat(d.submits).isEmpty();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void workThatWaitsIsAdmittedPastTheCapacityOnlyWhenAlone() {
        ContentBudget budget = new ContentBudget(100);
        assertThat(budget.tryReserve(90)).isTrue(); // e.g. SMTP sessions hold most of it
        assertThat(budget.admit(30, false)).isFalse();
        assertThat(budget.reserved()).isEqualTo(90);
        assertThat(budget.admit(30, true)).isTrue();
        assertThat(budget.reserved()).isEqualTo(120);
        assertThat(budget.tryReserve(1)).isFalse(); // and then holds the others back
        budget.release(120);
        assertThat(budget.admit(30, false)).isTrue();
    }

    @Test
    void reservationsNeverExceedTheCapacity() {
        ContentBudget budget = new ContentBudget(100);
        assertThat(budget.tryReserve(60)).isTrue();
        assertThat(budget.tryReserve(41)).isFalse();
        assertThat(budget.reserved()).isEqualTo(60);
        assertThat(budget.tryReserve(40)).isTrue();
        budget.release(100);
        assertThat(budget.reserved()).isZero();
    }
}
