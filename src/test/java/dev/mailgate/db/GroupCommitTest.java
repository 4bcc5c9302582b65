package dev.mailgate.db;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The grouping rules alone, with a writer that the test completes by hand (the store tests use PostgreSQL). */
class GroupCommitTest {

    /** A writer whose groups stay open until the test commits or fails them. */
    private static final class HeldWriter {
        final List<List<String>> groups = new CopyOnWriteArrayList<>();
        final List<UniEmitter<? super List<String>>> open = new CopyOnWriteArrayList<>();

        Uni<List<String>> write(List<String> items) {
            groups.add(items);
            return Uni.createFrom().emitter(open::add);
        }

        void commit(int group) {
            open.get(group)
                    .complete(groups.get(group).stream().map(s -> "ok " + s).toList());
        }
    }

    @Test
    void aLoneItemIsWrittenAtOnceAndWhatArrivesMeanwhileIsOneGroup() {
        HeldWriter writer = new HeldWriter();
        GroupCommit<String, String> commits = new GroupCommit<>(writer::write, String::length, 100, 1000, 1);
        List<String> answers = new CopyOnWriteArrayList<>();

        commits.submit("a").subscribe().with(answers::add);
        IntStream.range(0, 5).forEach(i -> commits.submit("b" + i).subscribe().with(answers::add));

        assertThat(writer.groups).containsExactly(List.of("a"));
        assertThat(answers).as("nobody is answered before the commit").isEmpty();
        writer.commit(0);
        assertThat(writer.groups).containsExactly(List.of("a"), List.of("b0", "b1", "b2", "b3", "b4"));
        assertThat(answers).containsExactly("ok a");
        writer.commit(1);
        assertThat(answers).containsExactly("ok a", "ok b0", "ok b1", "ok b2", "ok b3", "ok b4");
    }

    @Test
    void groupsStopAtTheirItemAndByteBoundsButAlwaysTakeOneItem() {
        HeldWriter writer = new HeldWriter();
        GroupCommit<String, String> commits = new GroupCommit<>(writer::write, String::length, 3, 10, 1);
        commits.submit("first").subscribe().with(x -> {});
        List.of("1", "2", "3", "4", "xxxxxxxxxxxxxxxx", "5")
                .forEach(s -> commits.submit(s).subscribe().with(x -> {}));
        for (int i = 0; i < 4; i++) {
            writer.commit(i);
        }
        assertThat(writer.groups)
                .containsExactly(
                        List.of("first"),
                        List.of("1", "2", "3"),
                        List.of("4"),
                        List.of("xxxxxxxxxxxxxxxx"),
                        List.of("5"));
    }

    @Test
    void severalGroupsAreInFlightUpToTheBound() {
        HeldWriter writer = new HeldWriter();
        GroupCommit<String, String> commits = new GroupCommit<>(writer::write, String::length, 100, 1000, 2);
        List.of("a", "b", "c", "d").forEach(s -> commits.submit(s).subscribe().with(x -> {}));
        assertThat(writer.groups).containsExactly(List.of("a"), List.of("b"));
        writer.commit(1);
        assertThat(writer.groups).containsExactly(List.of("a"), List.of("b"), List.of("c", "d"));
    }

    @Test
    void whenAGroupFailsEachItemIsTriedAloneSoOnlyTheBadOneFails() {
        List<List<String>> calls = new CopyOnWriteArrayList<>();
        HeldWriter blocker = new HeldWriter();
        // hold the single slot so that the next three items queue up and go as one group
        GroupCommit<String, String> grouped = new GroupCommit<>(
                items -> items.equals(List.of("hold")) ? blocker.write(items) : commitsWriter(calls, items),
                String::length,
                100,
                1000,
                1);
        grouped.submit("hold").subscribe().with(x -> {});
        List<Uni<String>> answers =
                List.of("x", "bad", "y").stream().map(grouped::submit).toList();
        List<String> results = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        answers.forEach(u -> u.subscribe().with(results::add, failures::add));
        blocker.commit(0);

        assertThat(calls).containsExactly(List.of("x", "bad", "y"), List.of("x"), List.of("bad"), List.of("y"));
        assertThat(results).containsExactlyInAnyOrder("ok x", "ok y");
        assertThat(failures).singleElement().satisfies(f -> assertThat(f).hasMessage("refused: bad"));
    }

    @Test
    void aWriterThatThrowsFailsItsCallersAndFreesItsSlot() {
        GroupCommit<String, String> commits = new GroupCommit<>(
                items -> {
                    if (items.contains("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return Uni.createFrom().item(items);
                },
                String::length,
                100,
                1000,
                1);
        assertThatThrownBy(() -> commits.submit("boom").await().atMost(Duration.ofSeconds(5)))
                .hasMessage("boom");
        assertThat(commits.submit("fine").await().atMost(Duration.ofSeconds(5))).isEqualTo("fine");
    }

    private static Uni<List<String>> commitsWriter(List<List<String>> calls, List<String> items) {
        calls.add(items);
        return items.contains("bad")
                ? Uni.createFrom().failure(new IllegalStateException("refused: bad"))
                : Uni.createFrom().item(items.stream().map(s -> "ok " + s).toList());
    }
}
