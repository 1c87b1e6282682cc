package dev.agentharness.cli.command;

import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option value parsers; a bad value becomes a usage error (exit 2) naming the accepted forms. */
final class Converters {
    /** {@code -n all}. */
    static final int ALL_LINES = -1;
    static final int SLOTS = 3;

    private Converters() {
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return DurationFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class SlotConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int slot = Integer.parseInt(value.trim());
                if (slot >= 1 && slot <= SLOTS) {
                    return slot;
                }
            } catch (NumberFormatException e) {
                // Falls through to the message below.
            }
            throw new TypeConversionException("invalid slot '" + value + "' (expected 1, 2 or 3)");
        }
    }

    static final class LineCountConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.trim().equalsIgnoreCase("all")) {
                return ALL_LINES;
            }
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Falls through to the message below.
            }
            throw new TypeConversionException("invalid line count '" + value + "' (expected a number or all)");
        }
    }

    static final class StatusConverter implements ITypeConverter<SessionStatus> {
        @Override
        public SessionStatus convert(String value) {
            try {
                return SessionStatus.fromWireName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class StreamConverter implements ITypeConverter<StreamType> {
        @Override
        public StreamType convert(String value) {
            try {
                return StreamType.fromWireName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class RestartModeConverter implements ITypeConverter<RestartPolicy.Mode> {
        @Override
        public RestartPolicy.Mode convert(String value) {
            try {
                return RestartPolicy.Mode.fromWireName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class NonNegativeConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Falls through to the message below.
            }
            throw new TypeConversionException("invalid number '" + value + "' (expected 0 or more)");
        }
    }

    static final class ShellConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String shell = value.trim();
            if (shell.equals("bash") || shell.equals("zsh")) {
                return shell;
            }
            throw new TypeConversionException("unknown shell '" + value + "' (expected bash or zsh)");
        }
    }
}
