package jp.enclave.server.onsite;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** Terminals and visits; {@code update}s refuse a stale version and join the caller's transaction. */
public interface OnsiteStore {
  Optional<Terminal> terminal(String id);

  List<Terminal> terminals();

  void insert(Terminal t);

  void update(Terminal t);

  Optional<Visit> visit(String id);

  List<Visit> visitsOf(String subject);

  List<Visit> visitsOn(LocalDate day);

  /** Visits checked in (not yet out) at a terminal, whatever their day: whose sessions run there. */
  List<Visit> checkedInAt(String terminalId);

  void insert(Visit v);

  void update(Visit v);
}
