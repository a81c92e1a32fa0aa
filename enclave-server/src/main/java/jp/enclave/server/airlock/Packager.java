package jp.enclave.server.airlock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A release package: the approved files and a {@code manifest.json} naming each with its SHA-256,
 * in one zip whose bytes do not depend on when it was built (fixed entry times, given order), so
 * its SHA-256 identifies the content.
 */
final class Packager {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long FIXED_TIME = 315532800000L; // 1980-01-01, the zip format's epoch

  record Entry(String name, byte[] content) {}

  private Packager() {}

  static byte[] zip(ObjectNode header, List<Entry> files) {
    ObjectNode manifest = header.deepCopy();
    ArrayNode list = manifest.putArray("files");
    for (Entry e : files) {
      list.addObject().put("name", e.name()).put("sha256", sha256(e.content())).put("bytes", e.content().length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      put(zip, "manifest.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
      for (Entry e : files) {
        put(zip, e.name(), e.content());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry z = new ZipEntry(name);
    z.setTime(FIXED_TIME);
    zip.putNextEntry(z);
    zip.write(content);
    zip.closeEntry();
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
