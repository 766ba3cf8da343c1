package io.deskport.helm;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * The part of the Keycloak Operator's {@code k8s.keycloak.org/v2alpha1 Keycloak} the chart renders, named as in
 * the operator's documentation (keycloak.org, "Keycloak Operator: basic deployment"); read strictly.
 */
record KeycloakResource(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    record Spec(int instances, Db db, Http http, Hostname hostname, Proxy proxy, Ingress ingress) {
    }

    record Db(String vendor, String host, int port, String database, SecretKey usernameSecret,
              SecretKey passwordSecret) {
    }

    record SecretKey(String name, String key) {
    }

    record Http(Boolean httpEnabled, String tlsSecret) {
    }

    record Hostname(String hostname) {
    }

    record Proxy(String headers) {
    }

    record Ingress(Boolean enabled, String className, java.util.Map<String, String> annotations) {
    }
}
