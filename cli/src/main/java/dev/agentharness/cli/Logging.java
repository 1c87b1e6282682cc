package dev.agentharness.cli;

/**
 * Configures slf4j-simple before the first logger exists. Client commands log nothing unless
 * {@code --debug} (their stderr is reserved for one error line); the daemon logs at info to stderr.
 * A level given with {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} always wins.
 */
public final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    public static void configure(boolean daemon, boolean debug) {
        configure(daemon, debug, daemon ? "info" : "off");
    }

    /**
     * @param level the level without {@code --debug}: {@code harness mcp} logs warnings, since its
     *              stderr is the MCP client's log of the server and its stdout is the protocol's
     */
    public static void configure(boolean daemon, boolean debug, String level) {
        setIfAbsent("defaultLogLevel", debug ? "debug" : level);
        // The MCP SDK logs every message it reads at debug, start_session's environment values
        // included, which must never reach a log: its loggers stay at info even with --debug.
        setIfAbsent("log.io.modelcontextprotocol", "info");
        setIfAbsent("logFile", "System.err");
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("showThreadName", daemon && !debug ? "false" : "true");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("levelInBrackets", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
