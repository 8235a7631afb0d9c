namespace Que2Engage.Modeling;

/// <summary>A listing turned into model inputs once (tokenised, hashed, featurised), reusable across steps.</summary>
public sealed record ProductFeatures(int[] Tokens, int[] TitleTrigrams, float[] Context, float[][] Images);

/// <summary>A query turned into model inputs.</summary>
public sealed record QueryFeatures(int[] Tokens, int[] Trigrams);
