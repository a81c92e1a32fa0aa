package jp.enclave.checker.input;

/**
 * Upper bounds on what the checker will read. Immutable; change with the withX methods.
 * Defaults are sized so a 2-core, few-GiB checker survives hostile input.
 */
public record InputLimits(long maxFileBytes, long maxRows, long maxCells, int maxCellChars,
                          long maxUncompressedBytes, int maxContainerEntries, double maxCompressionRatio) {

  public static InputLimits defaults() {
    return new InputLimits(256L << 20, 5_000_000L, 20_000_000L, 65_536, 1L << 30, 10_000, 200.0);
  }

  public InputLimits withMaxFileBytes(long v) {
    return new InputLimits(v, maxRows, maxCells, maxCellChars, maxUncompressedBytes, maxContainerEntries, maxCompressionRatio);
  }

  public InputLimits withMaxRows(long v) {
    return new InputLimits(maxFileBytes, v, maxCells, maxCellChars, maxUncompressedBytes, maxContainerEntries, maxCompressionRatio);
  }

  public InputLimits withMaxCells(long v) {
    return new InputLimits(maxFileBytes, maxRows, v, maxCellChars, maxUncompressedBytes, maxContainerEntries, maxCompressionRatio);
  }

  public InputLimits withMaxCellChars(int v) {
    return new InputLimits(maxFileBytes, maxRows, maxCells, v, maxUncompressedBytes, maxContainerEntries, maxCompressionRatio);
  }

  public InputLimits withMaxUncompressedBytes(long v) {
    return new InputLimits(maxFileBytes, maxRows, maxCells, maxCellChars, v, maxContainerEntries, maxCompressionRatio);
  }

  public InputLimits withMaxContainerEntries(int v) {
    return new InputLimits(maxFileBytes, maxRows, maxCells, maxCellChars, maxUncompressedBytes, v, maxCompressionRatio);
  }

  public InputLimits withMaxCompressionRatio(double v) {
    return new InputLimits(maxFileBytes, maxRows, maxCells, maxCellChars, maxUncompressedBytes, maxContainerEntries, v);
  }
}
