package dev.agentharness.cli.command;

import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.view.Human;
import dev.agentharness.core.Project;
import dev.agentharness.core.ProjectDefaults;
import dev.agentharness.store.SqliteStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "set", sortOptions = false,
        description = {"Store a project's defaults: what a bare `harness start` or `run` there runs.",
                "The prompt is given to the agent as its last argument."})
public final class ProjectsSetCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "The project: DIR or the git work tree that holds it (default: the current directory's).")
    String dir;

    @Option(names = "--command", required = true, paramLabel = "CMD",
            description = "The agent's command line, split into words as a shell would (quotes, backslashes), never run through one.")
    String command;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "The default prompt.")
    String prompt;

    @Option(names = "--agent", paramLabel = "NAME", description = "The agent profile (claude, codex, gemini, aider, generic).")
    String agent;

    @Option(names = "--tty", description = "Run it on a pseudo-terminal.")
    boolean tty;

    public ProjectsSetCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String project = ProjectOption.resolve(dir == null ? "." : dir, ctx.env().cwd());
        if (!Files.isDirectory(Path.of(project))) {
            throw new UsageException(project + " is not a directory");
        }
        List<String> argv = Words.split(command);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new UsageException("--command must name a program");
        }
        if (prompt != null && prompt.isEmpty()) {
            prompt = null;
        }
        if (agent != null && !agent.matches("[a-z][a-z0-9_-]*")) {
            throw new UsageException("invalid --agent '" + agent + "' (a profile name such as claude or codex)");
        }
        Project p;
        try (SqliteStores stores = ctx.openStores()) {
            p = stores.projects().setDefaults(project, new ProjectDefaults(argv, prompt, agent, tty));
        }
        ctx.env().out().println(p.dir() + ": " + Human.command(p.command()) + (p.prompt() == null ? "" : " <prompt>")
                + (p.tty() ? " (tty)" : ""));
        return 0;
    }
}
