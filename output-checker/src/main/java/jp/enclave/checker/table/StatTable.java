package jp.enclave.checker.table;

import java.util.ArrayList;
import java.util.List;
import jp.enclave.checker.Detail;
import jp.enclave.checker.input.RawTable;

/**
 * A table read statistically: which columns label cells, which hold measures and of what kind,
 * which rows and columns are margins, and the additivity between them. Cells are addressed by
 * (row, measure index); {@link #cellId} flattens that for the suppression machinery.
 */
public final class StatTable {
  private final RawTable raw;
  private final int[] labelColumns;
  private final int[] measureColumns;
  private final MeasureKind[] kinds;
  private final double[] values;
  private final boolean[] suppressedInFile;
  private final boolean[] totalRow;
  private final boolean[] totalMeasure;
  private final List<Constraint> constraints;
  private final List<Detail> notes;
  private final List<Detail> doubts;

  StatTable(RawTable raw, int[] labelColumns, int[] measureColumns, MeasureKind[] kinds, double[] values,
            boolean[] suppressedInFile, boolean[] totalRow, boolean[] totalMeasure, List<Constraint> constraints,
            List<Detail> notes, List<Detail> doubts) {
    this.raw = raw;
    this.labelColumns = labelColumns;
    this.measureColumns = measureColumns;
    this.kinds = kinds;
    this.values = values;
    this.suppressedInFile = suppressedInFile;
    this.totalRow = totalRow;
    this.totalMeasure = totalMeasure;
    this.constraints = List.copyOf(constraints);
    this.notes = List.copyOf(notes);
    this.doubts = List.copyOf(doubts);
  }

  public RawTable raw() { return raw; }
  public int rows() { return raw.rowCount(); }
  public int measures() { return measureColumns.length; }
  public int cells() { return rows() * measures(); }
  public int[] labelColumns() { return labelColumns.clone(); }
  public int labelColumnCount() { return labelColumns.length; }
  public int labelColumn(int i) { return labelColumns[i]; }
  public int measureColumn(int m) { return measureColumns[m]; }
  public String measureName(int m) { return raw.header().get(measureColumns[m]); }
  public MeasureKind kind(int m) { return kinds[m]; }
  public boolean isTotalRow(int r) { return totalRow[r]; }
  public boolean isTotalMeasure(int m) { return totalMeasure[m]; }
  public List<Constraint> constraints() { return constraints; }
  public List<Detail> notes() { return notes; }
  /** Why the reading of an undeclared table is uncertain; each sends the item to review. */
  public List<Detail> doubts() { return doubts; }

  public int cellId(int row, int m) { return row * measureColumns.length + m; }
  public int rowOf(int cellId) { return cellId / measureColumns.length; }
  public int measureOf(int cellId) { return cellId % measureColumns.length; }

  /** The number in a cell; NaN when missing or suppressed in the file. */
  public double value(int row, int m) { return values[cellId(row, m)]; }
  public double value(int cellId) { return values[cellId]; }
  public boolean suppressedInFile(int row, int m) { return suppressedInFile[cellId(row, m)]; }

  public String label(int row, int labelIndex) { return raw.cell(row, labelColumns[labelIndex]); }

  /** Readable name of a row: its label values joined, or its number when it has no labels. */
  public String rowName(int row) {
    if (labelColumns.length == 0) {
      return String.valueOf(row);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < labelColumns.length; i++) {
      if (i > 0) {
        sb.append(" / ");
      }
      sb.append(label(row, i));
    }
    return sb.toString();
  }

  /** True when every measure has the same kind: a cross-tabulation whose columns are categories. */
  public boolean isCrossTab() {
    for (MeasureKind k : kinds) {
      if (k != kinds[0]) {
        return false;
      }
    }
    return measureColumns.length > 1;
  }

  /** The count measure of the same row that tells how many contribute to a magnitude cell, or -1. */
  public int countMeasureForRow() {
    if (isCrossTab()) {
      return -1;
    }
    int found = -1;
    for (int m = 0; m < kinds.length; m++) {
      if (kinds[m] == MeasureKind.COUNT) {
        if (found >= 0) {
          return -1;
        }
        found = m;
      }
    }
    return found;
  }

  public List<Integer> measuresOfKind(MeasureKind kind) {
    List<Integer> out = new ArrayList<>();
    for (int m = 0; m < kinds.length; m++) {
      if (kinds[m] == kind) {
        out.add(m);
      }
    }
    return out;
  }
}
