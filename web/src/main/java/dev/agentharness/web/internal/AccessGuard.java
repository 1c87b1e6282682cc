package dev.agentharness.web.internal;

import dev.agentharness.web.WebToken;
import java.util.Set;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * In front of everything the server answers: only the dashboard's own pages, with the token, get
 * through.
 *
 * <ul>
 *   <li>The Host must be the loopback address the server listens on: a DNS name rebound to
 *       127.0.0.1 by a hostile page would otherwise be same-origin with the dashboard.</li>
 *   <li>An Origin, when sent, must be the server's own; a WebSocket upgrade must send one (every
 *       browser does). WebSockets are not bound by the same-origin policy, so this check is what
 *       keeps another page the user visits from opening one.</li>
 *   <li>The token: {@code Authorization: Bearer}, the cookie, or {@code ?token=} once. A page loaded
 *       with {@code ?token=} gets the cookie (HttpOnly, SameSite=Strict) and is sent on to the same
 *       address without it, so that the token leaves the address bar and the history.</li>
 * </ul>
 *
 * No CORS header is ever sent: no other origin may read an answer.
 */
public final class AccessGuard extends Handler.Wrapper {
    /**
     * The cookie's name, followed by {@code _PORT}: browsers keep cookies per host, not per port, so
     * two dashboards (two homes) on 127.0.0.1 would otherwise overwrite each other's.
     */
    public static final String COOKIE = "harness_token";
    public static final String LIVE_PATH = "/ws";

    private final WebToken token;

    public AccessGuard(WebToken token, Handler next) {
        super(next);
        this.token = token;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int port = Request.getLocalPort(request);
        Set<String> hosts = Set.of("127.0.0.1:" + port, "localhost:" + port);
        var headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");

        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || !hosts.contains(host.toLowerCase(java.util.Locale.ROOT))) {
            return refuse(request, response, callback, HttpStatus.FORBIDDEN_403, "forbidden",
                    "this server answers only at http://127.0.0.1:" + port + "/");
        }
        String path = Request.getPathInContext(request);
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        boolean upgrade = LIVE_PATH.equals(path);
        if ((origin != null || upgrade) && !hosts.contains(originHost(origin))) {
            return refuse(request, response, callback, HttpStatus.FORBIDDEN_403, "forbidden",
                    origin == null ? "a WebSocket needs an Origin" : "foreign origin");
        }

        String bearer = bearer(request);
        String cookieName = COOKIE + "_" + port;
        String cookie = cookie(request, cookieName);
        Fields query = Request.extractQueryParameters(request);
        String fromQuery = query.getValue("token");
        if (token.matches(bearer) || token.matches(cookie)) {
            return super.handle(request, response, callback);
        }
        if (token.matches(fromQuery)) {
            if (HttpMethod.GET.is(request.getMethod()) && !upgrade && !path.startsWith("/api/")) {
                Response.addCookie(response, HttpCookie.build(cookieName, token.value()).httpOnly(true)
                        .sameSite(HttpCookie.SameSite.STRICT).path("/").build());
                Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, path, true);
                return true;
            }
            return super.handle(request, response, callback);
        }
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"harness\"");
        return refuse(request, response, callback, HttpStatus.UNAUTHORIZED_401, "unauthorized",
                "a valid token is needed: `harness web` prints the address with it");
    }

    private static String originHost(String origin) {
        if (origin == null || !origin.startsWith("http://")) {
            return "";
        }
        return origin.substring("http://".length()).toLowerCase(java.util.Locale.ROOT);
    }

    private static String bearer(Request request) {
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).strip();
        }
        return null;
    }

    private static String cookie(Request request, String name) {
        for (HttpCookie c : Request.getCookies(request)) {
            if (name.equals(c.getName())) {
                return c.getValue();
            }
        }
        return null;
    }

    private static boolean refuse(Request request, Response response, Callback callback, int status, String code,
                                  String message) {
        Responses.json(response, callback, status, WebJson.ErrorBody.of(code, message));
        return true;
    }
}
