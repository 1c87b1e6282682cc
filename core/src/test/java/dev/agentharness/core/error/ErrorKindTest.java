package dev.agentharness.core.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentharness.core.SessionStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorKindTest {
    @Test
    void eachExceptionHasTheKindItsFrontEndsReportAsTheDocumentedCodes() {
        Map<HarnessException, List<Object>> expected = Map.of(
                new NoSuchSessionException("x"), List.of(4, "no_such_session", 404, ErrorKind.McpError.TOOL_ERROR),
                new AmbiguousSessionException("a", List.of("ab", "ac")), List.of(4, "ambiguous_session", 409, ErrorKind.McpError.TOOL_ERROR),
                new UsageException("bad"), List.of(2, "usage", 400, ErrorKind.McpError.INVALID_PARAMS),
                new BadRequestException("bad"), List.of(2, "bad_request", 400, ErrorKind.McpError.INVALID_PARAMS),
                new SessionNotActiveException("s", SessionStatus.COMPLETED, "stop"), List.of(1, "not_active", 409, ErrorKind.McpError.TOOL_ERROR),
                new SpawnException("no such file"), List.of(1, "spawn_failed", 422, ErrorKind.McpError.TOOL_ERROR),
                new ShuttingDownException("bye"), List.of(1, "shutting_down", 503, ErrorKind.McpError.TOOL_ERROR),
                new NotHostedException("attach"), List.of(1, "not_hosted", 409, ErrorKind.McpError.TOOL_ERROR),
                new DiskFullException("full", null), List.of(1, "store", 503, ErrorKind.McpError.TOOL_ERROR),
                new HarnessException("plain"), List.of(1, "error", 500, ErrorKind.McpError.TOOL_ERROR));
        expected.forEach((e, columns) -> {
            ErrorKind k = ErrorKind.of(e);
            assertEquals(columns, List.of(k.exitCode(), k.socketCode(), k.httpStatus(), k.mcpError()), e.getClass().getSimpleName());
        });
    }

    @Test
    void aBugIsInternalAndAnIllegalArgumentIsUsage() {
        assertEquals(ErrorKind.INTERNAL, ErrorKind.of(new NullPointerException()));
        assertEquals(-32603, ErrorKind.of(new IllegalStateException()).mcpError().jsonRpcCode());
        assertEquals(ErrorKind.USAGE, ErrorKind.of(new IllegalArgumentException("x")));
    }

    @Test
    void socketCodesReadBackAndUnknownOnesAreErrors() {
        for (ErrorKind k : ErrorKind.values()) {
            assertEquals(k, ErrorKind.fromSocketCode(k.socketCode()));
        }
        assertEquals(ErrorKind.ERROR, ErrorKind.fromSocketCode("from_a_newer_daemon"));
        assertEquals(ErrorKind.ERROR, ErrorKind.fromSocketCode(null));
    }
}
