package jp.enclave.sealed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Picks a trust zone's KEK from its configuration: {@code <kekDir>/<name>.properties} names the
 * implementation ({@code type=local} or {@code type=pkcs11}, see {@link Pkcs11KeyEncryptionKey});
 * without that file the embedded default applies, the owner-only key file {@code <kekDir>/<name>.kek}
 * ({@link LocalKeyEncryptionKey}). Callers ask for a KEK by name and never learn which kind it is.
 */
public final class KeyEncryptionKeys {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  private KeyEncryptionKeys() {}

  /**
   * The KEK called {@code name} (for example "holder" or "extract") as configured in {@code kekDir};
   * a local key file is created on first use (the zone that owns the KEK).
   */
  public static KeyEncryptionKey open(Path kekDir, String name) {
    return open(kekDir, name, true);
  }

  /** As {@link #open}, but never creates a key: for zones that are given a KEK, never make one. */
  public static KeyEncryptionKey openExisting(Path kekDir, String name) {
    return open(kekDir, name, false);
  }

  private static KeyEncryptionKey open(Path kekDir, String name, boolean create) {
    Properties config = config(kekDir, name);
    String type = config.getProperty("type", "local");
    return switch (type) {
      case "local" -> {
        Path file = kekDir.resolve(config.getProperty("file", name + ".kek"));
        if (!create && !Files.isRegularFile(file)) {
          throw new SealedStoreException("no key-encryption key " + name + " at " + file + " (nor "
              + configFile(kekDir, name).getFileName() + "); this zone never creates keys");
        }
        yield LocalKeyEncryptionKey.openOrCreate(file);
      }
      case "pkcs11" -> Pkcs11KeyEncryptionKey.open(name, config, kekDir, create);
      default -> throw new SealedStoreException(configFile(kekDir, name) + ": type '" + type
          + "' is not a KEK implementation (use local or pkcs11)");
    };
  }

  /**
   * The files that make up KEK {@code name}'s configuration, as another zone must be given them:
   * the local key file, or the PKCS#11 properties (the key itself stays in the token).
   */
  public static List<Path> material(Path kekDir, String name) {
    Properties config = config(kekDir, name);
    List<Path> out = new ArrayList<>();
    Path props = configFile(kekDir, name);
    if (Files.exists(props)) {
      out.add(props);
    }
    if ("local".equals(config.getProperty("type", "local"))) {
      Path key = kekDir.resolve(config.getProperty("file", name + ".kek"));
      if (!Files.isRegularFile(key)) {
        throw new SealedStoreException("no key-encryption key file " + key);
      }
      out.add(key);
    }
    return out;
  }

  static Path configFile(Path kekDir, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new SealedStoreException("invalid KEK name '" + name + "': use 1-32 of [a-z0-9-]");
    }
    return kekDir.resolve(name + ".properties");
  }

  private static Properties config(Path kekDir, String name) {
    Path file = configFile(kekDir, name);
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new SealedStoreException("cannot read KEK configuration " + file + ": " + e.getMessage(), e);
      }
    }
    return p;
  }
}
