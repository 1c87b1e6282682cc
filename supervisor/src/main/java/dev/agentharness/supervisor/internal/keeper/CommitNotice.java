package dev.agentharness.supervisor.internal.keeper;

/**
 * A flag that the output writer raises after each commit and the keeper's notifier thread waits
 * for. Raising never blocks, and raises that come while nobody waits collapse into one.
 */
final class CommitNotice {
    private boolean raised;

    synchronized void raise() {
        if (!raised) {
            raised = true;
            notifyAll();
        }
    }

    synchronized void await() throws InterruptedException {
        while (!raised) {
            wait();
        }
        raised = false;
    }
}
