package jp.enclave.server.registry;

import static jp.enclave.server.Fixtures.AUDITOR;
import static jp.enclave.server.Fixtures.RESEARCHER;
import static jp.enclave.server.Fixtures.STEWARD;
import static jp.enclave.server.Fixtures.TODAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import jp.enclave.server.Fixtures;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusal;
import org.junit.jupiter.api.Test;

class RegistryServiceTest {

  @Test
  void onlyAStewardRegistersAndTheDenialIsAudited() {
    Fixtures f = new Fixtures();
    for (var who : new jp.enclave.server.access.Caller[] {RESEARCHER, AUDITOR}) {
      assertThatThrownBy(() -> f.registry.registerOrganisation(who,
          Fixtures.org("org-x", CertificationType.TYPE_II, TODAY, TODAY.plusYears(1))))
          .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("not-permitted"));
    }
    assertThat(f.registryStore.organisations()).isEmpty();
    assertThat(f.audit.events()).containsExactly("access.denied", "access.denied");
    assertThat(f.registry.organisations(AUDITOR)).isEmpty();
  }

  @Test
  void everyInputProblemIsNamedAtOnce() {
    Fixtures f = new Fixtures();
    Organisation bad = new Organisation("Bad Id!", " ", CertificationType.TYPE_II, "", TODAY, TODAY.minusDays(1), 0);
    assertThatThrownBy(() -> f.registry.registerOrganisation(STEWARD, bad))
        .isInstanceOfSatisfying(Refusal.class, r -> {
          assertThat(r.code()).isEqualTo("invalid-organisation");
          assertThat(r.details()).hasSize(4).anyMatch(d -> d.startsWith("id 'Bad Id!'"))
              .anyMatch(d -> d.contains("until " + TODAY.minusDays(1) + " is before"));
        });
    f.registry.registerOrganisation(STEWARD, Fixtures.org("org-a", CertificationType.TYPE_II, TODAY, TODAY.plusYears(1)));
    Project noScope = new Project("p-1", "T", "org-a", "IRB-1", "purpose", "{\"projectId\":\"p-2\",\"tables\":{}}",
        TODAY, TODAY.plusDays(10), Map.of(), 0);
    assertThatThrownBy(() -> f.registry.registerProject(STEWARD, noScope))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.details())
            .containsExactly("dataScope.projectId must be 'p-1'", "dataScope.tables: at least one table with its columns"));
    Project notJson = new Project("p-1", "T", "org-zz", "IRB-1", "purpose", "{", TODAY, TODAY, Map.of(), 0);
    assertThatThrownBy(() -> f.registry.registerProject(STEWARD, notJson))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.details())
            .anyMatch(d -> d.startsWith("dataScope: not JSON")).anyMatch(d -> d.contains("no organisation 'org-zz'")));
    assertThat(f.registryStore.projects()).isEmpty();
  }

  @Test
  void aStaleEditIsRefusedAndChangesNothing() {
    Fixtures f = new Fixtures();
    Organisation v0 = f.registry.registerOrganisation(STEWARD,
        Fixtures.org("org-a", CertificationType.TYPE_II, TODAY, TODAY.plusYears(1)));
    Organisation renamed = new Organisation("org-a", "Renamed", v0.certificationType(), v0.certificationNumber(),
        v0.certifiedFrom(), v0.certifiedUntil(), v0.version());
    assertThat(f.registry.updateOrganisation(STEWARD, renamed).version()).isEqualTo(v0.version() + 1);
    Organisation stale = new Organisation("org-a", "Other name", v0.certificationType(), v0.certificationNumber(),
        v0.certifiedFrom(), v0.certifiedUntil(), v0.version());
    assertThatThrownBy(() -> f.registry.updateOrganisation(STEWARD, stale))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("stale-edit"));
    assertThat(f.registryStore.organisation("org-a").orElseThrow().name()).isEqualTo("Renamed");
    assertThat(f.audit.events()).containsExactly("organisation.registered", "organisation.updated");
  }

  @Test
  void aUserWithoutOrganisationIsRefused() {
    Fixtures f = new Fixtures();
    assertThatThrownBy(() -> f.registry.registerPerson(STEWARD, "u-9", "Nine", null))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.details())
            .containsExactly("organisationId: every user belongs to a registered organisation"));
    assertThat(f.registryStore.persons()).isEmpty();
  }

  @Test
  void duplicatesAreRefused() {
    Fixtures f = new Fixtures().eligible();
    assertThatThrownBy(() -> f.registry.registerPerson(STEWARD, RESEARCHER.subject(), "Again", "org-a"))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("user-exists"));
  }

  @Test
  void thePublicListShowsOnlyProjectsApprovedToday() {
    Fixtures f = new Fixtures().eligible();
    f.registry.registerProject(STEWARD, Fixtures.project("p-old", "org-a", TODAY.minusYears(2), TODAY.minusYears(1), Map.of()));
    f.registry.registerProject(STEWARD, Fixtures.project("p-next", "org-a", TODAY.plusDays(1), TODAY.plusYears(1), Map.of()));
    assertThat(f.registry.approvedProjects()).extracting(RegistryService.PublicProject::id).containsExactly("p-dm");
    assertThat(f.registry.approvedProjects().get(0).organisation()).isEqualTo("Org org-a");
  }

  @Test
  void aStewardAssignsAStaffMemberToOneOnsiteCenterAuditedWithBeforeAndAfter() {
    Fixtures f = new Fixtures().eligible();
    Person p = f.registry.assignOnsiteCenter(STEWARD, RESEARCHER.subject(), "tokyo-1", null);
    assertThat(p.onsiteCenter()).isEqualTo("tokyo-1");
    // Recording training keeps the assignment.
    f.registry.recordTraining(STEWARD, RESEARCHER.subject(), new Training("refresher", TODAY, TODAY.plusYears(1)));
    assertThat(f.registryStore.person(RESEARCHER.subject()).orElseThrow().onsiteCenter()).isEqualTo("tokyo-1");
    var last = f.audit.entries.stream().filter(e -> e.event().equals("user.onsite-center-assigned")).toList();
    assertThat(last).singleElement().satisfies(e -> {
      assertThat(e.actor()).isEqualTo(STEWARD.subject());
      assertThat(e.detail()).contains("\"from\":\"\"", "\"to\":\"tokyo-1\"");
    });
    long version = f.registryStore.person(RESEARCHER.subject()).orElseThrow().version();
    assertThat(f.registry.assignOnsiteCenter(STEWARD, RESEARCHER.subject(), " ", version).onsiteCenter()).isNull();

    // Wrong role, bad id, stale version, unknown user: refused, nothing changes.
    for (Caller c : java.util.List.of(RESEARCHER, AUDITOR)) {
      assertThatThrownBy(() -> f.registry.assignOnsiteCenter(c, RESEARCHER.subject(), "osaka-1", null))
          .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("not-permitted"));
    }
    assertThatThrownBy(() -> f.registry.assignOnsiteCenter(STEWARD, RESEARCHER.subject(), "Osaka 1!", null))
        .isInstanceOfSatisfying(Refusal.class, r -> {
          assertThat(r.code()).isEqualTo("invalid-onsite-center");
          assertThat(r.details()).anyMatch(d -> d.startsWith("centerId:"));
        });
    assertThatThrownBy(() -> f.registry.assignOnsiteCenter(STEWARD, RESEARCHER.subject(), "osaka-1", version))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("stale-edit"));
    assertThatThrownBy(() -> f.registry.assignOnsiteCenter(STEWARD, "nobody", "osaka-1", null))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("user-not-found"));
    assertThat(f.registryStore.person(RESEARCHER.subject()).orElseThrow().onsiteCenter()).isNull();
  }
}
