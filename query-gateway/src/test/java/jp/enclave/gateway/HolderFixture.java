package jp.enclave.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.SealedExtract;

/**
 * Builds the gateway's test and benchmark data the way production does: the data holder's own
 * pipeline (synthetic sources, linkage, pseudonymized store) provisions sealed project extracts
 * into a holder home. The gateway then sees exactly what it will see in the enclave.
 */
public final class HolderFixture {
  /** Every table of the store, all columns. */
  public static final List<String> ALL_TABLES = List.of("patient", "registration", "encounter", "diagnosis",
      "medication", "lab_result", "vital_sign", "allergy", "dpc_admission", "clinical_note");

  private HolderFixture() {}

  /** Runs the pipeline once per home (a source of {@code patients} persons) and provisions the project. */
  public static ExtractManifest provision(Path home, int patients, String projectId, List<String> tables,
      List<String> cohortIcd10Prefixes) {
    HolderHome holder = new HolderHome(home);
    if (!Files.exists(holder.store())) {
      SyntheticSource.generate(new SyntheticSource.Config(20240401, patients, 0), holder.source());
      Pipeline.run(holder, 0.5);
    }
    Map<String, List<String>> columns = new java.util.LinkedHashMap<>();
    tables.forEach(t -> columns.put(t, List.of("*")));
    ExtractProvisioner.provision(holder, new ProjectSpec(projectId, "gateway fixture " + projectId,
        new ProjectSpec.Approval("approved", "fixture", LocalDate.now()), columns,
        new ProjectSpec.Cohort(cohortIcd10Prefixes, null, null, null), null));
    return SealedExtract.readManifest(SealedExtract.manifestPath(holder.extracts(), projectId)).manifest();
  }
}
