package dev.mailgate.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops a process together with its descendants: kc.sh runs java as a child, which a plain destroy would orphan. */
public final class ProcessTree {

    private ProcessTree() {}

    /** SIGTERM to the whole tree (children first), then SIGKILL to whatever is still alive after {@code grace}. */
    public static void kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle process : tree) {
            long left = deadline - System.nanoTime();
            try {
                process.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                process.destroyForcibly();
            }
        }
    }
}
