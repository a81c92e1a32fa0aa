package jp.enclave.policies;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.ValidationRequest;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.exception.CacheException;
import com.cedarpolicy.model.policy.Policy;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.model.schema.Schema;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A Cedar schema and policy set as every engine of this module loads them: each policy carries a
 * unique {@code @id} and a {@code @reason} a person can read, the set validates strictly against
 * the schema, and both are cached for the native authorizer. One loader, so the gateway's
 * policies and the server's follow the same rules.
 *
 * @param annotations Cedar's internal policy id → the policy's {@code @id} and {@code @reason}
 */
record LoadedPolicies(Schema schema, PolicySet policies, Map<String, String[]> annotations) {
  static LoadedPolicies load(String schemaText, String policiesText, String what) {
    try {
      Schema schema = Schema.parse(Schema.JsonOrCedar.Cedar, schemaText);
      PolicySet set = PolicySet.parsePolicies(policiesText);
      Map<String, String[]> notes = new HashMap<>();
      Set<String> ids = new HashSet<>();
      for (Policy p : set.policies) {
        Map<String, String> a = p.getAnnotations();
        String id = a.get("id");
        String reason = a.get("reason");
        if (id == null || reason == null) {
          throw new PolicyException(what + ": policy " + p.getID() + " lacks an @id or @reason annotation");
        }
        if (!ids.add(id)) {
          throw new PolicyException(what + ": two policies share @id " + id);
        }
        notes.put(p.getID(), new String[] {id, reason});
      }
      var validation = new BasicAuthorizationEngine().validate(new ValidationRequest(schema, set));
      if (!validation.validationPassed()) {
        throw new PolicyException(what + " do not validate against the schema: " + validation);
      }
      schema.cache();
      set.cache();
      return new LoadedPolicies(schema, set, Map.copyOf(notes));
    } catch (AuthException | CacheException e) {
      throw new PolicyException("cannot load " + what + ": " + e.getMessage(), e);
    }
  }
}
