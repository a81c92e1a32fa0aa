package jp.enclave.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cedarpolicy.model.ValidationResponse;
import org.junit.jupiter.api.Test;

/** The build fails if a shipped policy does not validate against the shipped schema. */
class PolicyValidationTest {
  private static final String SCHEMA = PolicyEngine.resource(PolicyEngine.SCHEMA_RESOURCE);

  @Test
  void shippedPoliciesValidateStrictlyAgainstTheSchema() throws Exception {
    ValidationResponse r = PolicyEngine.loadDefault().validate();
    assertThat(r.validationPassed()).as(r.toString()).isTrue();
  }

  @Test
  void aPolicyNamingAnUnknownAttributeIsRejected() {
    String bad = """
        @id("typo") @reason("r")
        permit (principal, action == Enclave::Action::"query", resource)
        when { principal.org.certifiedUntill > context.now };
        """;
    assertThatThrownBy(() -> PolicyEngine.load(SCHEMA, bad))
        .isInstanceOf(PolicyException.class).hasMessageContaining("do not validate");
  }

  @Test
  void everyPolicyMustCarryAnIdAndAReason() {
    String unnamed = "permit (principal, action == Enclave::Action::\"query\", resource);";
    assertThatThrownBy(() -> PolicyEngine.load(SCHEMA, unnamed)).hasMessageContaining("@id or @reason");
    String twice = """
        @id("a") @reason("r") permit (principal, action == Enclave::Action::"query", resource);
        @id("a") @reason("r") forbid (principal, action == Enclave::Action::"query", resource);
        """;
    assertThatThrownBy(() -> PolicyEngine.load(SCHEMA, twice)).hasMessageContaining("share @id a");
  }

  @Test
  void shippedPoliciesHaveStableIds() {
    assertThat(PolicyEngine.loadDefault().policyIds()).containsExactlyInAnyOrder(
        "query-by-certified-member", "read-approved-labels", "certification-expired",
        "project-approval-expired", "project-approval-expired-read", "unknown-session-kind",
        "free-text-onsite-only", "free-text-not-approved");
  }
}
