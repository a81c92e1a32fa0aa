package jp.enclave.checker.rules;

import java.util.Arrays;

/**
 * What is known about the people behind each cell: distinct persons, the cell total and its two
 * largest per-person contributions, and how many persons hold an order statistic's value. NaN
 * means unknown. Filled from the file alone, or from provenance recomputation, which is trusted
 * over the file.
 */
public final class CellFacts {
  private final double[] persons;
  private final double[] total;
  private final double[] top1;
  private final double[] top2;
  private final double[] holders;
  private final boolean fromProvenance;

  public CellFacts(int cells, boolean fromProvenance) {
    persons = nan(cells);
    total = nan(cells);
    top1 = nan(cells);
    top2 = nan(cells);
    holders = nan(cells);
    this.fromProvenance = fromProvenance;
  }

  private static double[] nan(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  public boolean fromProvenance() { return fromProvenance; }

  public double persons(int cell) { return persons[cell]; }
  public double total(int cell) { return total[cell]; }
  public double top1(int cell) { return top1[cell]; }
  public double top2(int cell) { return top2[cell]; }
  public double holders(int cell) { return holders[cell]; }

  public void setPersons(int cell, double v) { persons[cell] = v; }

  public void setContributions(int cell, double cellTotal, double largest, double second) {
    total[cell] = cellTotal;
    top1[cell] = largest;
    top2[cell] = second;
  }

  public void setHolders(int cell, double v) { holders[cell] = v; }
}
