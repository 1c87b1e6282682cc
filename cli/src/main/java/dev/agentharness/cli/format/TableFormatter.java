package dev.agentharness.cli.format;

import dev.agentharness.service.view.Human;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table: a header row, columns separated by two spaces, numbers aligned right. Cells
 * wider than a column's limit are cut with an ellipsis; the last column is never padded.
 */
public final class TableFormatter {
    public enum Align { LEFT, RIGHT }

    private record Column(String header, Align align, int maxWidth) {
    }

    private final List<Column> columns = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    public TableFormatter column(String header, Align align) {
        return column(header, align, Integer.MAX_VALUE);
    }

    public TableFormatter column(String header, Align align, int maxWidth) {
        columns.add(new Column(header, align, maxWidth));
        return this;
    }

    public TableFormatter row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalStateException("row has " + cells.length + " cells for " + columns.size() + " columns");
        }
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i] == null ? "-" : Human.printable(String.valueOf(cells[i]));
            int max = columns.get(i).maxWidth();
            if (cell.length() > max) {
                cell = cell.substring(0, Math.max(0, max - 1)) + "…";
            }
            text[i] = cell;
        }
        rows.add(text);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintWriter out) {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = columns.get(i).header().length();
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        String[] header = columns.stream().map(Column::header).toArray(String[]::new);
        printRow(out, header, widths);
        for (String[] row : rows) {
            printRow(out, row, widths);
        }
    }

    private void printRow(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            String cell = cells[i];
            int pad = widths[i] - cell.length();
            if (columns.get(i).align() == Align.RIGHT) {
                line.append(" ".repeat(pad)).append(cell);
            } else {
                line.append(cell);
                if (!last) {
                    line.append(" ".repeat(pad));
                }
            }
            if (!last) {
                line.append("  ");
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
