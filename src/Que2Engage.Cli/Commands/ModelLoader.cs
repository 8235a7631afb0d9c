using Que2Engage.Modeling;

namespace Que2Engage.Cli.Commands;

/// <summary>How the verbs that embed (index, search, serve) turn a model directory into an embedder; Program passes it in, tests pass a fake.</summary>
public delegate IEmbeddingModel ModelLoader(string modelDir);
