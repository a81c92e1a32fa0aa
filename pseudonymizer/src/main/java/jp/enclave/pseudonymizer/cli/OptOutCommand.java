package jp.enclave.pseudonymizer.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.optout.Identification;
import jp.enclave.pseudonymizer.optout.OptOutEntry;
import jp.enclave.pseudonymizer.optout.OptOutPropagation;
import jp.enclave.pseudonymizer.optout.OptOutRegister;
import jp.enclave.pseudonymizer.optout.ReleasedOutputs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The steward's opt-out commands (本人の求めによる提供停止). */
@Command(name = "opt-out", description = "Patients' requests to stop the provision of their information.",
    subcommands = {OptOutCommand.Record.class, OptOutCommand.ListRequests.class, OptOutCommand.Propagate.class})
final class OptOutCommand {
  @Command(name = "record", description = "Record a request; the next ingest matches and excludes the person.")
  static final class Record implements Callable<Integer> {
    @Mixin HomeOption home;

    @ArgGroup(exclusive = true, multiplicity = "1") Who who;

    static final class Who {
      @ArgGroup(exclusive = false) ByHospital hospital;
      @ArgGroup(exclusive = false) ByPerson person;
    }

    static final class ByHospital {
      @Option(names = "--hospital", required = true, description = "Hospital code, e.g. H03.") String hospitalId;
      @Option(names = "--patient-id", required = true, description = "The hospital's local patient ID.") String patientId;
    }

    static final class ByPerson {
      @Option(names = "--name", required = true, description = "Name in kanji, e.g. '内閣 花子'.") String kanji;
      @Option(names = "--kana", required = true, description = "Reading, e.g. 'ナイカク ハナコ'.") String kana;
      @Option(names = "--birth-date", required = true, description = "YYYY-MM-DD.") LocalDate birth;
      @Option(names = "--sex", required = true, description = "M or F.") String sex;
    }

    @Option(names = "--received", required = true, description = "Date the request was received (YYYY-MM-DD).")
    LocalDate received;

    @Option(names = "--channel", required = true, description = "How it came, e.g. 'H03 窓口', 'post', 'web form'.")
    String channel;

    @Option(names = "--by", required = true, description = "The steward recording it.") String by;

    @Override
    public Integer call() {
      Identification id = who.hospital != null
          ? Identification.byHospitalId(who.hospital.hospitalId, who.hospital.patientId)
          : Identification.byDemographics(who.person.kanji, who.person.kana, who.person.birth, who.person.sex);
      OptOutEntry e = OptOutRegister.record(home.get(), id, received, channel, by);
      System.out.printf("opt-out %s recorded (%s, %s); the next `pseudonymize` matches it and excludes the person%n",
          e.requestId(), e.received(), e.channel());
      return 0;
    }
  }

  @Command(name = "list", description = "List the register (identifying details are not printed).")
  static final class ListRequests implements Callable<Integer> {
    @Mixin HomeOption home;

    @Override
    public Integer call() {
      var entries = OptOutRegister.load(home.get());
      System.out.printf("%d opt-out request(s)%n", entries.size());
      for (OptOutEntry e : entries) {
        System.out.printf("  %s  received %s via %s  by %s  %s%s%n", e.requestId(), e.received(), e.channel(),
            e.person().byHospital() ? "hospital ID at " + e.person().hospitalId() : "name, kana, birth date, sex",
            e.status(), e.status() == OptOutEntry.Status.MATCHED ? " (" + e.registrations() + " registrations)" : "");
      }
      return 0;
    }
  }

  @Command(name = "propagate", description = "List and re-provision extracts holding opted-out persons; list their releases.")
  static final class Propagate implements Callable<Integer> {
    @Mixin HomeOption home;

    @Option(names = "--released", description = "Released outputs (JSON list) to check.") Path released;

    @Option(names = "--by", required = true, description = "The steward running it.") String by;

    @Override
    public Integer call() {
      print(OptOutPropagation.run(home.get(), released(released), by));
      return 0;
    }
  }

  static ReleasedOutputs released(Path file) {
    return file == null ? ReleasedOutputs.none() : ReleasedOutputs.fromFile(file);
  }

  static void print(OptOutPropagation.Result r) {
    if (r.optedOutPersons() == 0) {
      return;
    }
    System.out.printf("opt-out: %d opted-out person(s); %d extract(s) checked, %d held them%n", r.optedOutPersons(),
        r.extractsChecked(), r.affected().size());
    for (OptOutPropagation.Affected a : r.affected()) {
      System.out.printf("  project %s: %d person(s); %s%n", a.projectId(), a.persons(), a.note());
      a.releasesNamingThem().forEach(i -> System.out.printf("    release %s (%s, queries %s) was computed from them%n",
          i.releaseId(), i.releasedOn(), i.queryIds()));
      a.releasesNotRecordingPersons().forEach(i -> System.out.printf(
          "    release %s (%s, queries %s) ran on an extract holding them (persons not recorded): review%n",
          i.releaseId(), i.releasedOn(), i.queryIds()));
    }
  }
}
