package dev.agentharness.cli;

import dev.agentharness.core.error.HarnessException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Turns any failure into the one line a user sees after {@code harness: }. */
public final class Errors {
    /** Messages of unexpected exceptions can be pages long (Guice's are); the line shows the start. */
    private static final int MAX_INTERNAL_MESSAGE = 300;

    private Errors() {
    }

    public static String describe(Throwable e) {
        if (e instanceof HarnessException || e instanceof IllegalArgumentException) {
            return oneLine(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
        if (e instanceof NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile();
        }
        if (e instanceof AccessDeniedException ade) {
            return "permission denied: " + ade.getFile();
        }
        if (e instanceof FileSystemException fse) {
            return oneLine(fse.getFile() + ": " + (fse.getReason() != null ? fse.getReason() : "file system error"));
        }
        if (e instanceof IOException) {
            return oneLine("I/O error: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        String message = e.getMessage() == null ? "" : ": " + oneLine(e.getMessage());
        if (message.length() > MAX_INTERNAL_MESSAGE) {
            message = message.substring(0, MAX_INTERNAL_MESSAGE) + "…";
        }
        return "internal error: " + e.getClass().getSimpleName() + message + " (run with --debug for details)";
    }

    /** A reader that went away ({@code harness tail -n all X | head}): the command ends quietly. */
    public static boolean isBrokenPipe(IOException e) {
        String message = e.getMessage();
        return message != null && (message.contains("Broken pipe") || message.contains("Stream closed"));
    }

    /** Collapses a multi-line message into one line so that stderr stays one line per error. */
    public static String oneLine(String message) {
        return message.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }
}
