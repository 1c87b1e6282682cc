package dev.agentharness.cli.command;

import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.view.JsonViews.ImportView;
import dev.agentharness.core.LegacyImportReport;
import dev.agentharness.store.SqliteStores;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "import-legacy",
        description = {"Import sessions from a legacy sessions.json. Importing the same file again adds nothing.",
                "Reports what was imported, what was already there, and each entry skipped with why."})
public final class ImportLegacyCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "FILE")
    String file;

    @Mixin
    JsonOption json;

    public ImportLegacyCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Path path = ctx.env().cwd().resolve(file).normalize();
        if (!Files.isRegularFile(path)) {
            throw new UsageException("no such file: " + path);
        }
        LegacyImportReport report;
        try (SqliteStores stores = ctx.openStores()) {
            report = stores.importLegacy(path);
        }
        PrintWriter out = ctx.env().out();
        if (json.enabled()) {
            ctx.printJson(ImportView.of(report));
            return 0;
        }
        out.println("imported " + report.imported().size() + ", already present " + report.alreadyPresent().size()
                + ", skipped " + report.skipped().size());
        for (String skipped : report.skipped()) {
            out.println("  skipped: " + skipped);
        }
        return 0;
    }
}
