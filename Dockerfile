# The image `make image` builds (without a container engine), for those who build with Docker:
#   docker build -t kubestate/otelcol-kubestate:0.1.0 .
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/kubestate/otelcol-kubestate:0.1.0 --push .
# Not tested here (no Docker engine on the build machine); `make image` is, in make test.
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
ARG TARGETOS=linux
ARG TARGETARCH
WORKDIR /src
COPY . .
# ocb from its pinned module writes the distribution's sources to _build/; they are then cross-built
# static, as make image does.
RUN cd tools/ocb && go build -o /usr/local/bin/ocb go.opentelemetry.io/collector/cmd/builder
RUN ocb --config builder-config.yaml --skip-compilation
RUN cd _build && CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags='-s -w' -o /out/otelcol-kubestate .

# distroless static: CA certificates, /etc/passwd with nonroot (uid 65532), no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/otelcol-kubestate /otelcol-kubestate
COPY deploy/base/config.yaml /etc/otelcol-kubestate/config.yaml
USER 65532:65532
EXPOSE 8080 13133
ENTRYPOINT ["/otelcol-kubestate"]
CMD ["--config=/etc/otelcol-kubestate/config.yaml"]
