package dev.agentharness.supervisor.testing;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Function;

/** Interface fakes for unit tests: the named methods do what the map says, every other call fails loudly. */
public final class Fakes {
    private Fakes() {
    }

    public static <T> T of(Class<T> type, Map<String, Function<Object[], Object>> methods) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            Function<Object[], Object> impl = methods.get(method.getName());
            if (impl != null) {
                return impl.apply(args == null ? new Object[0] : args);
            }
            if (method.getName().equals("toString")) {
                return "fake " + type.getSimpleName();
            }
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName() + " is not faked");
        });
        return type.cast(proxy);
    }
}
