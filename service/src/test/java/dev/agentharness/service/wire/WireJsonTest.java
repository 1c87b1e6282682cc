package dev.agentharness.service.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's streaming codec against the wire mapper it stands in for. */
class WireJsonTest {
    private final ObjectMapper mapper = ControlProtocol.newMapper();

    private static final List<String> LINES = List.of(
            "{\"ok\":true,\"session\":{\"id\":\"01ABC\",\"name\":null,\"slot\":2,\"pid\":123,\"bytes\":9999999999,"
                    + "\"huge\":123456789012345678901234567890,\"rate\":0.5,\"tiny\":-1.0E-300,\"flag\":false,\"yes\":true,"
                    + "\"command\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\\n\\ttab \\\\ back\"],\"envKeys\":[],\"metadata\":{}}}",
            "{\"text\":\"caf\u00e9 \u2603 \ud83d\ude00 \\u0001 \\u00e9 \\ud83d\\ude00 </script>\"}",
            "[1,[2,[3,{\"a\":[]}]],{},null,\"\",-0,2147483648,-9223372036854775808,9223372036854775808]",
            "  {\"spaced\" : [ 1 , 2 ] }  ",
            "\"just a string\"",
            "42");

    @Test
    void readsWhatTheMapperReads() throws Exception {
        for (String line : LINES) {
            assertEquals(mapper.readTree(line), WireJson.read(line), line);
        }
    }

    @Test
    void writesWhatTheMapperWrites() throws Exception {
        for (String line : LINES) {
            JsonNode tree = mapper.readTree(line);
            assertEquals(mapper.writeValueAsString(tree), WireJson.write(tree), line);
        }
        ObjectNode built = WireJson.object().put("op", "start").put("wait", false).put("n", 7L)
                .put("big", new BigInteger("123456789012345678901234567890")).put("dec", new BigDecimal("1.50"))
                .put("f", 0.25f).put("d", 1e300).put("nothing", (String) null).put("ctl", "a\u0000b\u001fc\"d\\e");
        built.putArray("command").add("sleep").add("0.01");
        built.putObject("env").put("K", "V");
        assertEquals(mapper.writeValueAsString(built), WireJson.write(built));
    }

    @Test
    void rejectsWhatTheMapperRejects() {
        for (String bad : List.of(
                "{\"op\":\"ping\",\"op\":\"shutdown\"}",
                "{\"a\":{\"b\":1,\"b\":2}}",
                "{\"ok\":true} {\"ok\":false}",
                "{\"ok\":true}x",
                "{\"ok\":true",
                "[1,2",
                "{\"ok\":tru}",
                "{ok:true}",
                "{\"a\":01}",
                "{\"a\":\"unterminated}")) {
            assertThrows(JsonProcessingException.class, () -> mapper.readTree(bad), "mapper: " + bad);
            assertThrows(JsonProcessingException.class, () -> WireJson.read(bad), bad);
        }
    }

    @Test
    void anEmptyLineHoldsNoValue() throws Exception {
        assertNull(WireJson.read(""));
        assertNull(WireJson.read("   "));
    }
}
