/**
 * The repository the update-target e2e tests start from (not a test file): one ImageStream shop/web
 * whose tag 1 drives a Rollout (trigger annotation), Helm values (markers), a Kustomization
 * (markers), a JSON file (.tagstream.yaml JSONPath rule) and a Dockerfile (FROM marker).
 */
export function targetsRepo(reg: string): Record<string, string> {
  return {
    'imagestreams/shop/web.yaml': `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: web
  namespace: shop
spec:
  tags:
  - name: "1"
    from:
      kind: DockerImage
      name: ${reg}/web:1
    importPolicy:
      scheduled: true
`,
    'apps/rollout.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"web:1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  strategy:
    canary:
      steps:
      - setWeight: 20
  template:
    spec:
      containers:
      - name: web
        image: ${reg}/web:1   # rolled by Tagstream
`,
    'charts/web/values.yaml': `replicaCount: 2
image:
  repository: ${reg}/web   # {"$imagestream": "shop/web:1:name"}
  tag: "1"                 # {"$imagestream": "shop/web:1:tag"}
  digest: ""               # {"$imagestream": "shop/web:1:digest"}
`,
    'kustomize/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources:
  - ../apps
images:
  - name: web
    newName: ${reg}/web  # {"$imagestream": "web:1:name"}
    digest: ""  # {"$imagestream": "web:1:digest"}
`,
    'config/app.json': `{\n\t"service": "web",\n\t"image": {\n\t\t"ref": "${reg}/web:1"\n\t}\n}`,
    '.tagstream.yaml': `targets:
  - files: "config/*.json"
    from: shop/web:1
    set:
      "$.image.ref": reference
`,
    Dockerfile: `# {"$imagestream": "shop/web:1"}
FROM --platform=$BUILDPLATFORM ${reg}/web:1 AS base
RUN echo build
`,
  };
}
