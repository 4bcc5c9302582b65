package dev.mailgate.submission;

import dev.mailgate.mail.Refusal;
import java.util.UUID;

/** What became of a submission: committed under an id, or refused with nothing stored. */
public sealed interface SubmissionOutcome {

    record Accepted(UUID id) implements SubmissionOutcome {}

    record Refused(Refusal refusal) implements SubmissionOutcome {}
}
