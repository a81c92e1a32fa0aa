package jp.enclave.checker.input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jp.enclave.checker.Refusal;

/** Where an item's file may be: inside the request folder, also after following symbolic links. */
public final class RequestFiles {
  private RequestFiles() {}

  public static Path resolve(Path folder, String name) throws Refusal {
    Path base = folder.toAbsolutePath().normalize();
    Path p = base.resolve(name).normalize();
    if (!p.startsWith(base)) {
      throw InputRefusal.outsideRequest(name);
    }
    if (!Files.exists(p)) {
      throw InputRefusal.notFound(name);
    }
    try {
      if (!p.toRealPath().startsWith(base.toRealPath())) {
        throw InputRefusal.outsideRequest(name);
      }
    } catch (IOException e) {
      throw InputRefusal.io(name, e.getClass().getSimpleName());
    }
    return p;
  }
}
