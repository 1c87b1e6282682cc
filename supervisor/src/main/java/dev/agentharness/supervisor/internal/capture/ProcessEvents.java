package dev.agentharness.supervisor.internal.capture;

/** What the byte source learns about the process besides its bytes. */
public interface ProcessEvents {
    /**
     * One of the output pipes closed. Called on the source's thread before the process is reaped,
     * which is the last moment its exit status can be read without racing the reaper.
     */
    void pipeClosed(int pid);

    /** Both pipes are drained and the process was reaped; {@code nuProcessCode} is NuProcess's report. */
    void reaped(int nuProcessCode);
}
