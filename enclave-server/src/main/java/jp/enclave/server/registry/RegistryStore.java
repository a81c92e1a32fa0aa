package jp.enclave.server.registry;

import java.util.List;
import java.util.Optional;

/**
 * The registry's persistence. {@code update*} refuse a stale edit (the stored version differs
 * from the one the edit was based on); inserts and updates join the caller's transaction.
 */
public interface RegistryStore {
  Optional<Organisation> organisation(String id);

  List<Organisation> organisations();

  void insert(Organisation o);

  void update(Organisation o);

  Optional<Person> person(String subject);

  List<Person> persons();

  void insert(Person p);

  void update(Person p);

  Optional<Project> project(String id);

  List<Project> projects();

  void insert(Project p);

  void update(Project p);
}
