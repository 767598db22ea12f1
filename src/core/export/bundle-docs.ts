// The exported bundle's Dockerfile and README. The README says plainly how to build the image, since Meter
// itself never runs Docker.
import type { ModelFile } from '../../shared/domain';

export function dockerfile(): string {
  return `# A slim Node image; the service has no dependencies, so there is no npm install step.
FROM node:20-slim
WORKDIR /app
COPY --chown=node:node . .
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \\
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"
CMD ["node", "server.js"]
`;
}

export function bundleReadme(meta: { name: string; version: number | null; runId: string; uri: string; modelSha256: string }, model: ModelFile): string {
  const inputs = ['PULocationID', 'DOLocationID', ...model.featureSpec.numeric];
  const example = model.featureSpec.numeric.length ? '{"PULocationID": 74, "DOLocationID": 75, "trip_distance": 2.4}' : '{"PULocationID": 74, "DOLocationID": 75}';
  return `# ${meta.name} v${meta.version ?? '—'} — trip duration service

Exported by Meter from \`${meta.uri}\` (run \`${meta.runId}\`). Model: ${model.model}, features ${model.featureSpec.featureSet}
(${inputs.join(', ')}); sha256 of model.json: \`${meta.modelSha256}\`.

## Run it

    node server.js            # or: npm start — needs Node 18 or newer, no npm install
    PORT=9000 HOST=0.0.0.0 node server.js

It listens on \`HOST\`:\`PORT\` (default 127.0.0.1:8080) and logs one line per request.

## Use it

    curl -s localhost:8080/health
    curl -s -X POST localhost:8080/predict -H 'content-type: application/json' \\
      -d '${example}'
    curl -s -X POST localhost:8080/predict -H 'content-type: application/json' \\
      -d '[${example}, ${example}]'

A single ride returns \`{"duration": minutes, "model": {...}}\`; a list (or \`{"rides": [...]}\`, up to 1,000)
returns \`{"durations": [...], "model": {...}}\`. Location ids are TLC zone ids, as numbers or digit strings (\`132\` or
\`"132"\`; null or left out for unknown); trip_distance is a number, 0 to 1000 miles. Other keys are ignored, so a whole TLC record can be sent as
it is, but a key that looks like a misspelt field (\`DOLocation\`, \`pulocationid\`) gets 400 asking which was meant,
rather than the zone silently being unknown. Invalid or missing input gets 400 naming the field; more than 1,000 rides or a body over
1 MiB gets 413. Batches are scored in slices, so single rides are answered while big batches run.

## Docker

    docker build -t ${meta.name.toLowerCase()}:${meta.version ?? 'latest'} .
    docker run --rm -p 8080:8080 ${meta.name.toLowerCase()}:${meta.version ?? 'latest'}

The image is node:20-slim, runs as the unprivileged \`node\` user, listens on 0.0.0.0:8080 inside the
container and has a HEALTHCHECK on /health. (Meter's own machines have no Docker engine; this Dockerfile was
not built there.)
`;
}
