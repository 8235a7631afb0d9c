using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Util;

namespace Que2Engage.Retrieval;

/// <summary>
/// One analyzer for listings and queries in any Latin-script language (en/es/fr/de/…): Unicode word segmentation
/// (StandardTokenizer, UAX#29), lower-casing, then ASCII folding so "sofá", "canapé" and "Größe" match queries typed
/// without accents. No stemming or stop words: they are language-specific, and a listing's language is not always
/// the query's, so BM25's IDF is left to discount common words.
/// </summary>
public sealed class MultilingualAnalyzer : Analyzer
{
    internal const LuceneVersion Version = LuceneVersion.LUCENE_48;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream filtered = new LowerCaseFilter(Version, source);
        filtered = new ASCIIFoldingFilter(filtered);
        return new TokenStreamComponents(source, filtered);
    }
}
