using Que2Engage.Data;

namespace Que2Engage.Simulation;

/// <summary>
/// The simulated marketplace's vocabulary: leaf categories with multilingual product-type nouns and synonyms,
/// brands, colours, materials, styles, condition phrases and listing filler. Built in (not a resource file) so a
/// world is fully defined by its settings.
/// </summary>
public sealed class Taxonomy
{
    public required IReadOnlyList<CategoryDefinition> Categories { get; init; }
    public required IReadOnlyList<string> Brands { get; init; }
    public required IReadOnlyList<Lexeme> Colours { get; init; }
    public required IReadOnlyList<Lexeme> Materials { get; init; }
    public required IReadOnlyList<Lexeme> Styles { get; init; }

    /// <summary>Condition phrases per <see cref="Condition"/> (Unknown has none), per language.</summary>
    public required IReadOnlyList<Lexeme?> ConditionPhrases { get; init; }

    /// <summary>Listing filler ("must go", "VB", ...) per language.</summary>
    public required string[][] Fillers { get; init; }

    /// <summary>Description openers ("Selling my", "Vendo", ...) per language.</summary>
    public required string[][] Openers { get; init; }

    /// <summary>How a material is attached to a noun per language: "{0}", "de {0}", "en {0}", "aus {0}".</summary>
    public required string[] MaterialPattern { get; init; }

    /// <summary>Label sentences per language: colour, brand, style, condition.</summary>
    public required string[][] LabelPatterns { get; init; }

    /// <summary>Searcher shorthand per language: lower-cased full form → abbreviation ("television" → "tv").</summary>
    public required IReadOnlyDictionary<string, string>[] Abbreviations { get; init; }

    /// <summary>Every surface form the vocabulary can produce (lower-cased words), for detecting typos in tests and tools.</summary>
    public HashSet<string> VocabularyWords()
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        void Add(string phrase)
        {
            foreach (var w in TextTokens.Words(phrase))
            {
                words.Add(w);
                words.Add(TextTokens.StripAccents(w));
            }
        }
        foreach (var c in Categories) foreach (var f in c.Nouns.AllForms()) Add(f);
        foreach (var b in Brands) Add(b);
        foreach (var l in Colours.Concat(Materials).Concat(Styles)) foreach (var f in l.AllForms()) Add(f);
        foreach (var l in ConditionPhrases) if (l is not null) foreach (var f in l.AllForms()) Add(f);
        foreach (var p in MaterialPattern) Add(p.Replace("{0}", ""));
        foreach (var d in Abbreviations) foreach (var v in d.Values) Add(v);
        return words;
    }

    public static Taxonomy Default { get; } = BuildDefault();

    private static Lexeme L(string en, string es, string fr, string de) => new(en, es, fr, de);

    private static Lexeme L(string[] en, string[] es, string[] fr, string[] de) => new(en, es, fr, de);

    private static Taxonomy BuildDefault()
    {
        string[] brands =
        [
            "ikea", "ashley", "habitat", "kartell", "conforama", "roche bobois", "maisons du monde", "zara home", "philips",
            "apple", "samsung", "sony", "lg", "xiaomi", "lenovo", "dell", "bose", "canon", "nikon", "nintendo", "microsoft", "hp",
            "zara", "h&m", "nike", "adidas", "levi's", "mango", "the north face", "gucci", "michael kors",
            "decathlon", "trek", "specialized", "giant", "coleman", "quechua", "nordictrack",
            "bugaboo", "chicco", "maxi-cosi", "jbl", "herman miller",
        ];
        int B(string name) => Array.IndexOf(brands, name) is var i and >= 0 ? i : throw new InvalidOperationException(name);
        int[] Bs(params string[] names) => names.Select(B).ToArray();

        var materials = new[]
        {
            L("wood", "madera", "bois", "Holz"), L("leather", "cuero", "cuir", "Leder"), L("fabric", "tela", "tissu", "Stoff"),
            L("metal", "metal", "métal", "Metall"), L("glass", "vidrio", "verre", "Glas"),
            L("plastic", "plástico", "plastique", "Kunststoff"), L("cotton", "algodón", "coton", "Baumwolle"),
            L("wool", "lana", "laine", "Wolle"), L("aluminium", "aluminio", "aluminium", "Aluminium"),
            L("velvet", "terciopelo", "velours", "Samt"), L("denim", "vaquero", "jean", "Jeansstoff"),
        };
        int M(string key) => Array.FindIndex(materials, m => m.Key == key) is var i and >= 0 ? i : throw new InvalidOperationException(key);
        int[] Ms(params string[] keys) => keys.Select(M).ToArray();

        CategoryDefinition C(string name, string dept, Lexeme nouns, double median, double sigma, int[] b, int[] m) =>
            new(name, dept, nouns, median, sigma, b, m);

        var categories = new[]
        {
            C("sofa", "furniture", L(["sofa", "couch", "settee"], ["sofá", "tresillo", "diván"], ["canapé", "sofa", "divan"], ["Sofa", "Couch", "Sitzgarnitur"]),
                300, 0.7, Bs("ikea", "ashley", "habitat", "conforama", "roche bobois", "maisons du monde"), Ms("leather", "fabric", "velvet")),
            C("armchair", "furniture", L(["armchair", "recliner", "accent chair"], ["butaca", "sillón", "sillón reclinable"], ["fauteuil", "bergère"], ["Sessel", "Fernsehsessel", "Ohrensessel"]),
                150, 0.7, Bs("ikea", "ashley", "habitat", "roche bobois", "maisons du monde"), Ms("leather", "fabric", "velvet", "wood")),
            C("dining_table", "furniture", L(["dining table", "kitchen table"], ["mesa de comedor", "mesa de cocina"], ["table à manger", "table de salle à manger"], ["Esstisch", "Küchentisch"]),
                200, 0.7, Bs("ikea", "habitat", "conforama", "maisons du monde", "kartell"), Ms("wood", "glass", "metal")),
            C("desk", "furniture", L(["desk", "writing desk", "computer desk"], ["escritorio", "mesa de estudio"], ["bureau", "secrétaire"], ["Schreibtisch", "Computertisch"]),
                120, 0.7, Bs("ikea", "conforama", "habitat", "herman miller"), Ms("wood", "metal", "glass")),
            C("bed", "furniture", L(["bed frame", "bed", "double bed"], ["cama", "somier", "cama doble"], ["lit", "cadre de lit"], ["Bett", "Bettgestell", "Doppelbett"]),
                250, 0.7, Bs("ikea", "ashley", "conforama", "maisons du monde"), Ms("wood", "metal", "fabric")),
            C("wardrobe", "furniture", L(["wardrobe", "closet", "armoire"], ["armario", "ropero"], ["armoire", "penderie"], ["Kleiderschrank", "Schrank"]),
                200, 0.7, Bs("ikea", "conforama", "maisons du monde"), Ms("wood", "metal")),
            C("bookshelf", "furniture", L(["bookshelf", "bookcase", "shelving unit"], ["estantería", "librería"], ["bibliothèque", "étagère"], ["Bücherregal", "Regal"]),
                80, 0.7, Bs("ikea", "conforama", "habitat", "kartell"), Ms("wood", "metal")),
            C("office_chair", "furniture", L(["office chair", "desk chair", "gaming chair"], ["silla de oficina", "silla de escritorio"], ["chaise de bureau", "fauteuil de bureau"], ["Bürostuhl", "Schreibtischstuhl", "Drehstuhl"]),
                90, 0.8, Bs("ikea", "herman miller", "conforama", "kartell"), Ms("leather", "fabric", "plastic", "metal")),
            C("lamp", "home", L(["lamp", "floor lamp", "table lamp"], ["lámpara", "lámpara de pie"], ["lampe", "lampadaire"], ["Lampe", "Stehlampe", "Leuchte"]),
                40, 0.7, Bs("ikea", "philips", "kartell", "zara home", "habitat"), Ms("metal", "glass", "wood", "plastic")),
            C("rug", "home", L(["rug", "carpet", "area rug"], ["alfombra", "tapete"], ["tapis"], ["Teppich", "Läufer"]),
                60, 0.8, Bs("ikea", "zara home", "maisons du monde", "habitat"), Ms("wool", "cotton")),
            C("mirror", "home", L(["mirror", "wall mirror"], ["espejo"], ["miroir", "glace"], ["Spiegel", "Wandspiegel"]),
                50, 0.7, Bs("ikea", "zara home", "maisons du monde"), Ms("wood", "metal", "plastic")),
            C("smartphone", "electronics", L(["smartphone", "phone", "cell phone", "mobile"], ["móvil", "teléfono", "celular", "smartphone"], ["téléphone", "portable", "smartphone"], ["Handy", "Smartphone", "Mobiltelefon"]),
                250, 0.6, Bs("apple", "samsung", "xiaomi", "sony", "lg"), Ms("aluminium", "glass", "plastic")),
            C("laptop", "electronics", L(["laptop", "notebook"], ["portátil", "ordenador portátil", "laptop"], ["ordinateur portable", "pc portable"], ["Laptop", "Notebook"]),
                400, 0.6, Bs("apple", "lenovo", "dell", "hp", "samsung", "microsoft"), Ms("aluminium", "plastic")),
            C("television", "electronics", L(["television", "tv", "smart tv"], ["televisor", "televisión", "tele"], ["téléviseur", "télé", "télévision"], ["Fernseher", "TV", "Fernsehgerät"]),
                300, 0.6, Bs("samsung", "lg", "sony", "philips", "xiaomi"), Ms("plastic", "metal")),
            C("headphones", "electronics", L(["headphones", "headset", "earbuds"], ["auriculares", "cascos"], ["casque audio", "écouteurs"], ["Kopfhörer", "Headset"]),
                60, 0.8, Bs("sony", "bose", "apple", "jbl", "samsung"), Ms("plastic", "leather", "metal")),
            C("camera", "electronics", L(["camera", "dslr", "digital camera"], ["cámara", "cámara de fotos"], ["appareil photo", "caméra"], ["Kamera", "Fotoapparat"]),
                350, 0.7, Bs("canon", "nikon", "sony"), Ms("plastic", "metal")),
            C("game_console", "electronics", L(["game console", "console"], ["consola", "videoconsola"], ["console de jeux", "console"], ["Spielkonsole", "Konsole"]),
                250, 0.5, Bs("nintendo", "sony", "microsoft"), Ms("plastic")),
            C("jacket", "clothing", L(["jacket", "coat"], ["chaqueta", "abrigo", "cazadora"], ["veste", "manteau", "blouson"], ["Jacke", "Mantel"]),
                50, 0.8, Bs("zara", "h&m", "the north face", "mango", "levi's", "nike"), Ms("leather", "denim", "wool", "cotton")),
            C("sneakers", "clothing", L(["sneakers", "trainers", "running shoes"], ["zapatillas", "deportivas", "tenis"], ["baskets", "chaussures de sport"], ["Sneaker", "Turnschuhe", "Laufschuhe"]),
                45, 0.7, Bs("nike", "adidas", "zara", "h&m"), Ms("leather", "fabric")),
            C("dress", "clothing", L(["dress", "gown"], ["vestido"], ["robe"], ["Kleid", "Abendkleid"]),
                35, 0.8, Bs("zara", "h&m", "mango", "gucci"), Ms("cotton", "velvet", "wool")),
            C("handbag", "clothing", L(["handbag", "purse", "bag"], ["bolso", "cartera"], ["sac à main", "sac"], ["Handtasche", "Tasche"]),
                60, 0.9, Bs("gucci", "michael kors", "zara", "mango"), Ms("leather", "fabric", "denim")),
            C("bicycle", "sports", L(["bicycle", "bike", "mountain bike"], ["bicicleta", "bici"], ["vélo", "bicyclette", "VTT"], ["Fahrrad", "Rad", "Mountainbike"]),
                250, 0.8, Bs("trek", "specialized", "giant", "decathlon"), Ms("aluminium", "metal")),
            C("tent", "sports", L(["tent", "camping tent"], ["tienda de campaña", "carpa"], ["tente"], ["Zelt"]),
                80, 0.7, Bs("coleman", "quechua", "decathlon"), Ms("fabric", "plastic")),
            C("treadmill", "sports", L(["treadmill", "running machine"], ["cinta de correr"], ["tapis de course"], ["Laufband"]),
                300, 0.6, Bs("nordictrack", "decathlon", "xiaomi"), Ms("metal", "plastic", "aluminium")),
            C("stroller", "kids", L(["stroller", "pram", "buggy"], ["carrito de bebé", "cochecito"], ["poussette"], ["Kinderwagen", "Buggy"]),
                150, 0.7, Bs("bugaboo", "chicco", "maxi-cosi"), Ms("fabric", "aluminium", "plastic")),
        };

        var colours = new[]
        {
            L("black", "negro", "noir", "schwarz"), L("white", "blanco", "blanc", "weiß"), L("red", "rojo", "rouge", "rot"),
            L("blue", "azul", "bleu", "blau"), L("green", "verde", "vert", "grün"), L("grey", "gris", "gris", "grau"),
            L("brown", "marrón", "marron", "braun"), L("beige", "beige", "beige", "beige"), L("yellow", "amarillo", "jaune", "gelb"),
            L("pink", "rosa", "rose", "rosa"), L("silver", "plateado", "argenté", "silber"), L("orange", "naranja", "orange", "orange"),
        };
        var styles = new[]
        {
            L("modern", "moderno", "moderne", "modern"), L("vintage", "vintage", "vintage", "Vintage"),
            L("rustic", "rústico", "rustique", "rustikal"), L("classic", "clásico", "classique", "klassisch"),
            L("minimalist", "minimalista", "minimaliste", "minimalistisch"), L("industrial", "industrial", "industriel", "industriell"),
            L("sporty", "deportivo", "sportif", "sportlich"), L("elegant", "elegante", "élégant", "elegant"),
        };
        var conditions = new Lexeme?[]
        {
            L(["new", "brand new", "nwt"], ["nuevo", "a estrenar"], ["neuf", "jamais servi"], ["neu", "originalverpackt"]),
            L(["like new", "barely used", "mint"], ["como nuevo", "casi nuevo"], ["comme neuf", "très bon état"], ["wie neu", "neuwertig"]),
            L(["good condition", "gently used"], ["buen estado", "poco uso"], ["bon état"], ["guter Zustand"]),
            L(["used", "some wear"], ["usado", "con uso"], ["usagé", "état correct"], ["gebraucht", "Gebrauchsspuren"]),
            null,
        };
        static Dictionary<string, string> D(params (string Full, string Short)[] pairs) =>
            pairs.ToDictionary(p => p.Full, p => p.Short, StringComparer.Ordinal);

        return new Taxonomy
        {
            Categories = categories,
            Brands = brands,
            Colours = colours,
            Materials = materials,
            Styles = styles,
            ConditionPhrases = conditions,
            Fillers =
            [
                ["must go", "pick up only", "great deal", "moving sale", "obo", "cash only", "no lowballers", "smoke free home"],
                ["urge vender", "solo recogida", "oportunidad", "precio negociable", "por mudanza", "envío posible"],
                ["à saisir", "à récupérer sur place", "cause déménagement", "prix négociable", "urgent", "bonne affaire"],
                ["nur Abholung", "VB", "Umzug bedingt", "Schnäppchen", "Privatverkauf", "Versand möglich"],
            ],
            Openers =
            [
                ["Selling my", "For sale:", "Up for sale:", "Selling a"],
                ["Vendo", "Se vende", "En venta:"],
                ["Vends", "À vendre :", "Je vends"],
                ["Verkaufe", "Zu verkaufen:", "Biete"],
            ],
            MaterialPattern = ["{0}", "de {0}", "en {0}", "aus {0}"],
            LabelPatterns =
            [
                ["Colour: {0}.", "Brand: {0}.", "{0} style.", "Condition: {0}."],
                ["Color: {0}.", "Marca: {0}.", "Estilo {0}.", "Estado: {0}."],
                ["Couleur : {0}.", "Marque : {0}.", "Style {0}.", "État : {0}."],
                ["Farbe: {0}.", "Marke: {0}.", "Stil: {0}.", "Zustand: {0}."],
            ],
            Abbreviations =
            [
                D(("television", "tv"), ("bicycle", "bike"), ("mountain bike", "mtb"), ("black", "blk"), ("white", "wht"),
                  ("grey", "gry"), ("brown", "brn"), ("leather", "lthr"), ("aluminium", "alu"), ("headphones", "headphs"),
                  ("dining table", "dining tbl"), ("game console", "console"), ("smartphone", "phone")),
                D(("televisor", "tele"), ("televisión", "tele"), ("bicicleta", "bici"), ("aluminio", "alu"),
                  ("ordenador portátil", "portatil"), ("videoconsola", "consola")),
                D(("télévision", "télé"), ("téléviseur", "télé"), ("appareil photo", "apn"), ("aluminium", "alu"),
                  ("ordinateur portable", "pc portable"), ("bicyclette", "vélo")),
                D(("fernseher", "tv"), ("mountainbike", "mtb"), ("kinderwagen", "kiwa"), ("aluminium", "alu"),
                  ("spielkonsole", "konsole"), ("mobiltelefon", "handy")),
            ],
        };
    }
}
