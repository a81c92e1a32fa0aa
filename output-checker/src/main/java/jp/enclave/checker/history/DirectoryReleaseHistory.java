package jp.enclave.checker.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import jp.enclave.checker.Refusal;
import jp.enclave.checker.input.InputLimits;
import jp.enclave.checker.input.TableReader;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.request.ItemType;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.table.TableInterpreter;

/**
 * Released tables kept as files: {@code root/<projectId>/<releaseId>.csv} (or .tsv, .parquet).
 * A file that cannot be read is skipped and reported by {@link #skipped()}, never silently.
 */
public final class DirectoryReleaseHistory implements ReleaseHistory {
  private final Path root;
  private final TableReader reader;
  private final TableInterpreter interpreter;
  private final List<String> skipped = new ArrayList<>();

  public DirectoryReleaseHistory(Path root, InputLimits limits, RuleSet rules) {
    this.root = root;
    this.reader = new TableReader(limits);
    this.interpreter = new TableInterpreter(rules);
  }

  @Override
  public List<ReleasedTable> released(String projectId) {
    List<ReleasedTable> out = new ArrayList<>();
    if (!projectId.matches("[A-Za-z0-9_.-]+")) {
      return out;
    }
    Path dir = root.resolve(projectId);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!(lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".parquet"))) {
          continue;
        }
        String id = name.substring(0, name.lastIndexOf('.'));
        try {
          var raw = reader.read(f, name);
          out.add(new ReleasedTable(id, id, interpreter.interpret(raw, ExportItem.of(id, ItemType.FREQUENCY, name),
              ItemType.FREQUENCY)));
        } catch (Refusal e) {
          skipped.add(e.describe());
        }
      }
    } catch (IOException e) {
      skipped.add(dir + ": " + e.getClass().getSimpleName());
    }
    return out;
  }

  public List<String> skipped() {
    return List.copyOf(skipped);
  }
}
