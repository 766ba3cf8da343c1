{{/* The release's base name: <release>-deskport, or the release name when it already says deskport. */}}
{{- define "deskport.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "deskport.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "deskport.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "deskport.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: broker or gateway. */}}
{{- define "deskport.selectorLabels" -}}
app.kubernetes.io/name: {{ include "deskport.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "deskport.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .image.repository $tag -}}
{{- end -}}

{{- define "deskport.cnpgCluster" -}}
{{- printf "%s-db" (include "deskport.fullname" .) -}}
{{- end -}}

{{- define "deskport.keycloakName" -}}
{{- printf "%s-keycloak" (include "deskport.fullname" .) -}}
{{- end -}}

{{/* The Secret holding the database user's name and password, and its keys. */}}
{{- define "deskport.databaseSecret" -}}
{{- if eq .Values.postgresql.mode "cloudnativepg" -}}
{{- printf "%s-app" (include "deskport.cnpgCluster" .) -}}
{{- else -}}
{{- default (printf "%s-database" (include "deskport.fullname" .)) .Values.postgresql.external.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "deskport.databaseUrl" -}}
{{- if eq .Values.postgresql.mode "cloudnativepg" -}}
{{- printf "jdbc:postgresql://%s-rw:5432/%s" (include "deskport.cnpgCluster" .) .Values.postgresql.cloudnativepg.database -}}
{{- else -}}
{{- .Values.postgresql.external.url -}}
{{- end -}}
{{- end -}}

{{- define "deskport.keycloakSecret" -}}
{{- default (printf "%s-keycloak" (include "deskport.fullname" .)) .Values.keycloak.existingSecret -}}
{{- end -}}

{{/*
Keycloak's base address as the broker reaches it. It must be the address Keycloak names itself by in its tokens
(iss = <url>/realms/<realm>, which the broker checks): for the operator's Keycloak that is its public hostname, not
its in-cluster Service.
*/}}
{{- define "deskport.keycloakUrl" -}}
{{- if eq .Values.keycloak.mode "operator" -}}
{{- printf "https://%s" .Values.keycloak.operator.hostname -}}
{{- else -}}
{{- .Values.keycloak.url -}}
{{- end -}}
{{- end -}}

{{- define "deskport.keycloakPublicUrl" -}}
{{- if .Values.keycloak.publicUrl -}}
{{- .Values.keycloak.publicUrl -}}
{{- else if eq .Values.keycloak.mode "operator" -}}
{{- printf "https://%s" .Values.keycloak.operator.hostname -}}
{{- else -}}
{{- .Values.keycloak.url -}}
{{- end -}}
{{- end -}}

{{- define "deskport.hypervisorsSecret" -}}
{{- default (printf "%s-hypervisors" (include "deskport.fullname" .)) .Values.hypervisors.existingSecret -}}
{{- end -}}

{{- define "deskport.hasHypervisors" -}}
{{- if or .Values.hypervisors.existingSecret .Values.hypervisors.list -}}true{{- end -}}
{{- end -}}

{{- define "deskport.bootstrapSecret" -}}
{{- default (printf "%s-bootstrap" (include "deskport.fullname" .)) .Values.bootstrap.existingSecret -}}
{{- end -}}

{{/* Where the broker's tunnel reaches the gateway. */}}
{{- define "deskport.gatewayHost" -}}
{{- if eq .Values.gateway.mode "external" -}}
{{- .Values.gateway.external.host -}}
{{- else -}}
{{- printf "%s-gateway" (include "deskport.fullname" .) -}}
{{- end -}}
{{- end -}}
