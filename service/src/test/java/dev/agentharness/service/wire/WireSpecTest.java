package dev.agentharness.service.wire;

import dev.agentharness.core.error.BadRequestException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.TerminalSize;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireSpecTest {
    private final ObjectMapper mapper = ControlProtocol.newMapper();

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    @Test
    void roundTripsEveryField() {
        SessionSpec spec = new SessionSpec("build", List.of("sh", "-c", "echo 'hi there'"), "/tmp", Map.of("K", "secret"), 2, "RUN1",
                Duration.ofMinutes(5), Duration.ofMillis(1500), RestartPolicy.onFailure(3), null, 0, Map.of("model", "x"),
                new TerminalSize(132, 50), true, "/", List.of("cmd:/bin/true", "http://127.0.0.1:9/h"));
        SessionSpec back = WireSpec.fromJson(WireSpec.toJson(spec, () -> mapper), mapper);
        assertEquals(spec.name(), back.name());
        assertEquals(spec.command(), back.command());
        assertEquals(spec.cwd(), back.cwd());
        assertEquals(spec.terminal(), back.terminal());
        assertEquals(spec.interactive(), back.interactive());
        assertEquals(spec.env(), back.env());
        assertEquals(spec.requestedSlot(), back.requestedSlot());
        assertEquals(spec.runId(), back.runId());
        assertEquals(spec.maxRuntime(), back.maxRuntime());
        assertEquals(spec.stallTimeout(), back.stallTimeout());
        assertEquals(spec.restartPolicy(), back.restartPolicy());
        assertEquals(spec.metadata(), back.metadata());
        assertEquals(spec.project(), back.project());
        assertEquals(spec.notifySinks(), back.notifySinks());
    }

    @Test
    void aSpecWithoutAProjectIsFiledUnderTheGitWorkTreeOfItsCwd(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("repo/.git"));
        java.nio.file.Path sub = java.nio.file.Files.createDirectories(tmp.resolve("repo/src/main"));
        SessionSpec inRepo = WireSpec.fromJson(json("{\"command\":[\"true\"],\"cwd\":\"" + sub + "\"}"), mapper);
        assertEquals(tmp.resolve("repo").toString(), inRepo.project());
        SessionSpec outside = WireSpec.fromJson(json("{\"command\":[\"true\"],\"cwd\":\"" + tmp + "\"}"), mapper);
        assertEquals(tmp.toString(), outside.project(), "no work tree: the cwd itself");
    }

    @Test
    void notificationSinksAreCheckedWithoutEchoingTheirSecrets() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> WireSpec.fromJson(json("{\"command\":[\"true\"],\"cwd\":\"/\",\"notify\":[\"gopher://h/topsecret99\"]}"), mapper));
        org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains("topsecret99"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(BadRequestException.class,
                () -> WireSpec.fromJson(json("{\"command\":[\"true\"],\"cwd\":\"/\",\"notify\":\"cmd:/x\"}"), mapper));
    }

    @Test
    void onlyCommandAndCwdAreRequired() throws Exception {
        SessionSpec spec = WireSpec.fromJson(json("{\"command\":[\"true\"],\"cwd\":\"/\"}"), mapper);
        assertEquals(List.of("true"), spec.command());
        assertEquals(RestartPolicy.NO, spec.restartPolicy());
    }

    @Test
    void structuralProblemsAreBadRequests() {
        for (String bad : List.of(
                "{\"cwd\":\"/\"}",
                "{\"command\":\"true\",\"cwd\":\"/\"}",
                "{\"command\":[1,2],\"cwd\":\"/\"}",
                "{\"command\":[\"true\"]}",
                "{\"command\":[\"true\"],\"cwd\":7}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"env\":[\"A=B\"]}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"env\":{\"A\":1}}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"slot\":\"two\"}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"slot\":1.5}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"metadata\":3}")) {
            assertThrows(BadRequestException.class, () -> WireSpec.fromJson(json(bad), mapper), bad);
        }
    }

    @Test
    void unacceptableValuesAreIllegalArguments() {
        for (String bad : List.of(
                "{\"command\":[],\"cwd\":\"/\"}",
                "{\"command\":[\"\"],\"cwd\":\"/\"}",
                "{\"command\":[\"true\"],\"cwd\":\"relative\"}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"maxRuntime\":\"soon\"}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"restart\":\"always\"}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"slot\":0}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"env\":{\"A=B\":\"x\"}}",
                "{\"command\":[\"true\"],\"cwd\":\"/\",\"name\":\"  \"}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireSpec.fromJson(json(bad), mapper), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }
}
