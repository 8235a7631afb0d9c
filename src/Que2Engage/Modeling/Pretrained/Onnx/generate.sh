#!/usr/bin/env bash
# Regenerates Onnx.cs (the ONNX protobuf message classes) from onnx.proto with the protoc that the
# Google.Protobuf.Tools NuGet package ships (run `dotnet restore` on a project referencing it first, or point
# PROTOC at any protoc ≥ 3.36). Onnx.cs is committed, so a normal build never needs protoc.
set -euo pipefail
cd "$(dirname "$0")"
TOOLS="${NUGET_PACKAGES:-$HOME/.nuget/packages}/google.protobuf.tools/3.36.2/tools"
PROTOC="${PROTOC:-$TOOLS/linux_x64/protoc}"
chmod +x "$PROTOC" 2>/dev/null || true
"$PROTOC" -I. -I"$TOOLS/include" --csharp_out=. onnx.proto
