package jp.enclave.checker.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a check into an output folder laid out as ACRO's: results.json, config.json (the risk
 * profile), the checked files,
 * suggested safe versions, checksums/NAME.txt (sha256, as SACRO-Viewer verifies them) and
 * the reviewer's page in English (report.html) and Japanese (report.ja.html). Reads the request's files and never modifies them.
 */
public final class ReportWriter {
  private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public void write(CheckReport report, Path out) throws IOException {
    Files.createDirectories(out);
    Map<String, List<String>> fileNames = new LinkedHashMap<>();
    for (ItemResult r : report.items()) {
      List<String> names = new ArrayList<>();
      String checked = r.checkedFile() == null ? r.item().file() : r.checkedFile();
      Path src = report.request().folder().resolve(checked).normalize();
      boolean refused = r.findings().stream().anyMatch(f -> f.rule().equals(jp.enclave.checker.rules.Rule.INPUT));
      if (!refused && src.startsWith(report.request().folder().toAbsolutePath().normalize()) && Files.isRegularFile(src)
          && Files.size(src) <= 256L << 20) {
        String name = safeName(r.item().id() + "_" + src.getFileName());
        Files.copy(src, out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        names.add(name);
        if (!checked.equals(r.item().file())) {
          Path fig = report.request().folder().resolve(r.item().file()).normalize();
          if (fig.startsWith(report.request().folder().toAbsolutePath().normalize()) && Files.isRegularFile(fig)) {
            String figName = safeName(r.item().id() + "_" + fig.getFileName());
            Files.copy(fig, out.resolve(figName), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      if (r.safeRows() != null && r.table() != null) {
        String safeName = safeName(r.item().id() + "_safe.csv");
        try (Writer w = Files.newBufferedWriter(out.resolve(safeName), StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180)) {
          p.printRecord(r.table().header());
          for (String[] row : r.safeRows()) {
            p.printRecord((Object[]) row);
          }
        }
        if (!names.isEmpty()) {
          names.add(safeName);
        }
      }
      if (names.isEmpty()) {
        // SACRO-Viewer needs a file per output; a refused file is not copied, so its reasons stand in for it.
        String name = safeName(r.item().id() + "_refused.txt");
        StringBuilder sb = new StringBuilder("Not copied for review: the checker refused this item.\n");
        r.findings().forEach(f -> sb.append(f.status().word()).append(" [").append(f.rule()).append("] ")
            .append(f.message()).append('\n'));
        Files.writeString(out.resolve(name), sb.toString(), StandardCharsets.UTF_8);
        names.add(name);
      }
      fileNames.put(r.item().id(), names);
    }
    AcroResults acro = new AcroResults();
    mapper.writeValue(out.resolve("results.json").toFile(), acro.build(report, fileNames));
    mapper.writeValue(out.resolve("config.json").toFile(), acro.config(report.rules()));
    HtmlReport html = new HtmlReport();
    for (java.util.Locale language : ReportTexts.LANGUAGES) {
      Files.writeString(out.resolve(ReportTexts.fileName(language)), html.render(report, language), StandardCharsets.UTF_8);
    }
    writeChecksums(out);
  }

  private static String safeName(String s) {
    return s.replaceAll("[^A-Za-z0-9_.\\-\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}]", "_");
  }

  private static void writeChecksums(Path out) throws IOException {
    Path dir = out.resolve("checksums");
    Files.createDirectories(dir);
    try (var files = Files.list(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.writeString(dir.resolve(f.getFileName() + ".txt"), sha256(f), StandardCharsets.UTF_8);
      }
    }
  }

  private static String sha256(Path f) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(f)) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
