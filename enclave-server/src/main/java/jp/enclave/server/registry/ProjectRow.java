package jp.enclave.server.registry;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

@Entity
@Table(name = "project")
class ProjectRow {
  @Id
  String id;
  String title;
  @Column(name = "organisation_id")
  String organisationId;
  @Column(name = "decision_number")
  String decisionNumber;
  String purpose;
  @Column(name = "data_scope")
  String dataScope;
  @Column(name = "approved_from")
  LocalDate approvedFrom;
  @Column(name = "approved_until")
  LocalDate approvedUntil;
  @ElementCollection(fetch = FetchType.EAGER)
  @CollectionTable(name = "project_member", joinColumns = @JoinColumn(name = "project_id"))
  @MapKeyColumn(name = "subject")
  @Column(name = "role")
  Map<String, String> members = new HashMap<>();
  @Version
  long version;

  Project toDomain() {
    Map<String, Project.MemberRole> m = new TreeMap<>();
    members.forEach((k, v) -> m.put(k, Project.MemberRole.valueOf(v)));
    return new Project(id, title, organisationId, decisionNumber, purpose, dataScope, approvedFrom, approvedUntil, m,
        version);
  }

  void set(Project p) {
    id = p.id();
    title = p.title();
    organisationId = p.organisationId();
    decisionNumber = p.decisionNumber();
    purpose = p.purpose();
    dataScope = p.dataScope();
    approvedFrom = p.approvedFrom();
    approvedUntil = p.approvedUntil();
    members.clear();
    p.members().forEach((k, v) -> members.put(k, v.name()));
  }
}
