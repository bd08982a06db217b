// SPDX-License-Identifier: GPL-3.0-or-later
// BpeTokenizer against HuggingFace: GPT-NeoX test vectors, the demo model's reference ids and its
// training-time token counts of whole books, plus the ways a tokenizer.json can be wrong.
#include "TestJson.h"
#include "support/Error.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/ByteLevelPreTokenizer.h"
#include "tokenizer/IncrementalDecoder.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <functional>
#include <limits>

using namespace mscope;
using testjson::readJson;
using testjson::tokenIds;
using namespace Qt::StringLiterals;

namespace {

const QString kTestData = QStringLiteral(MAMBASCOPE_TEST_DATA);
const QString kResources = QStringLiteral(MAMBASCOPE_RESOURCES);

QString neoxPath()
{
    return kResources + QStringLiteral("/tokenizers/gpt-neox-20b/tokenizer.json");
}

QString demoPath()
{
    return kResources + QStringLiteral("/models/demo-mamba-3.7m/tokenizer.json");
}

QString bookPath(const QString &name)
{
    return kResources + QStringLiteral("/texts/") + name + QStringLiteral(".txt");
}

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return file.readAll();
}

QString nfc(const QString &text)
{
    return text.normalized(QString::NormalizationForm_C);
}

// The demo tokenizer.json with one part changed, for the variants and the broken files.
using JsonEdit = std::function<void(QJsonObject &)>;

QJsonObject demoJsonWith(const JsonEdit &edit)
{
    QJsonObject root = readJson(demoPath());
    edit(root);
    return root;
}

void setInModel(QJsonObject &root, const QString &key, const QJsonValue &value)
{
    QJsonObject model = root.value(u"model").toObject();
    if (value.isUndefined())
        model.remove(key);
    else
        model.insert(key, value);
    root.insert(u"model", model);
}

void setPreTokenizerOption(QJsonObject &root, const QString &key, const QJsonValue &value)
{
    QJsonObject pre = root["pre_tokenizer"].toObject();
    pre.insert(key, value);
    root["pre_tokenizer"] = pre;
}

QJsonObject addedToken(int id, const QString &content, bool normalized)
{
    return QJsonObject{
        {"id", id},        {"content", content},       {"single_word", false},  {"lstrip", false},
        {"rstrip", false}, {"normalized", normalized}, {"special", !normalized}};
}

}  // namespace

class TestTokenizer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void vocabulary();
    void neoxVectors_data();
    void neoxVectors();
    void demoReference();
    void demoBooks_data();
    void demoBooks();
    void preTokenizer_data();
    void preTokenizer();
    void byteAlphabet();
    void variants();
    void pipelineVectors_data();
    void pipelineVectors();
    void pipelineDecodeOnly_data();
    void pipelineDecodeOnly();
    void incrementalDecoding_data();
    void incrementalDecoding();
    void incrementalDecodingRefusesUnknownIds();
    void addedTokensAndNormalization();
    void invalidUtf8_data();
    void invalidUtf8();
    void edgeCases();
    void badFiles_data();
    void badFiles();
    void speed();

private:
    QString writeFile(const QString &name, const QByteArray &contents);
    QString writeDemoVariant(const QString &name, const JsonEdit &edit);
    std::unique_ptr<BpeTokenizer> loadDemoVariant(const QString &name, const JsonEdit &edit);

    std::unique_ptr<BpeTokenizer> m_neox;
    std::unique_ptr<BpeTokenizer> m_demo;
    QTemporaryDir m_dir;
};

QString TestTokenizer::writeFile(const QString &name, const QByteArray &contents)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QString TestTokenizer::writeDemoVariant(const QString &name, const JsonEdit &edit)
{
    const QJsonObject root = demoJsonWith(edit);
    return writeFile(name + u".json"_s, QJsonDocument(root).toJson(QJsonDocument::Compact));
}

std::unique_ptr<BpeTokenizer> TestTokenizer::loadDemoVariant(const QString &name,
                                                             const JsonEdit &edit)
{
    return BpeTokenizer::fromFile(writeDemoVariant(name, edit));
}

void TestTokenizer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QElapsedTimer timer;
    timer.start();
    m_neox = BpeTokenizer::fromFile(neoxPath());
    qInfo("GPT-NeoX tokenizer loaded in %lld ms", qint64(timer.elapsed()));
    m_demo = BpeTokenizer::fromFile(demoPath());
}

void TestTokenizer::vocabulary()
{
    QCOMPARE(m_neox->path(), neoxPath());
    QCOMPARE(m_neox->vocabSize(), 50277);  // 50254 model tokens and added tokens up to 50276
    QCOMPARE(m_neox->tokenId(QStringLiteral("<|endoftext|>")), 0);
    QCOMPARE(m_neox->tokenId(QStringLiteral("<|padding|>")), 1);
    QCOMPARE(m_neox->tokenId(QString(24, u' ')), 50254);
    QCOMPARE(m_neox->tokenId(QStringLiteral("\u0120the")), 253);  // "Ġthe"
    QCOMPARE(m_neox->tokenId(QStringLiteral("no such token")), -1);
    QCOMPARE(m_demo->vocabSize(), 4096);
    QCOMPARE(m_demo->tokenId(QStringLiteral("<|endoftext|>")), 0);
}

void TestTokenizer::neoxVectors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QJsonArray>("ids");
    const QJsonArray vectors =
        readJson(kTestData + u"/neox_test_vectors.json"_s)["vectors"].toArray();
    QVERIFY(vectors.size() >= 13);
    for (const QJsonValue &v : vectors) {
        const QString text = v["text"].toString();
        QString name = text.left(24);
        name.replace(u'\n', u"\\n"_s).replace(u'\r', u"\\r"_s).replace(u'\t', u"\\t"_s);
        QTest::newRow(qPrintable(name)) << text << v["ids"].toArray();
    }
}

void TestTokenizer::neoxVectors()
{
    QFETCH(QString, text);
    QFETCH(QJsonArray, ids);
    const std::vector<int32_t> encoded = m_neox->encode(text);
    QCOMPARE(encoded, tokenIds(ids));
    QCOMPARE(m_neox->encodeUtf8(text.toUtf8()), encoded);
    QCOMPARE(m_neox->decode(encoded), nfc(text));
}

void TestTokenizer::demoReference()
{
    const QJsonObject reference = readJson(kTestData + u"/demo_reference.json"_s);
    const std::vector<int32_t> expected = tokenIds(reference["token_ids"].toArray());
    QCOMPARE(expected.size(), std::size_t(512));
    const QString text = reference["text"].toString();
    QCOMPARE(m_demo->encode(text), expected);
    QCOMPARE(m_demo->decode(expected), text);
}

void TestTokenizer::demoBooks_data()
{
    QTest::addColumn<QString>("book");
    QTest::addColumn<int>("tokens");
    // Counted by HuggingFace tokenizers when the demo model was trained.
    const QJsonObject counts = readJson(kTestData + u"/demo_pytorch_eval.json"_s)["meta"]
                                   .toObject()["heldout_tokens"]
                                   .toObject();
    QCOMPARE(counts.size(), 5);
    for (auto it = counts.begin(); it != counts.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value().toInt();
}

void TestTokenizer::demoBooks()
{
    QFETCH(QString, book);
    QFETCH(int, tokens);
    const QByteArray utf8 = readBytes(bookPath(book));
    const std::vector<int32_t> ids = m_demo->encodeUtf8(utf8, book);
    QCOMPARE(int(ids.size()), tokens);
    QCOMPARE(m_demo->decode(ids), nfc(QString::fromUtf8(utf8)));
}

void TestTokenizer::preTokenizer_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("words");
    // Expected words from Python's `regex` module running the GPT-2 pattern.
    QTest::newRow("words") << u"Hello world"_s << QStringList{u"Hello"_s, u" world"_s};
    QTest::newRow("contractions") << u"I'm they'll it's  "_s
                                  << QStringList{u"I"_s,   u"'m"_s, u" they"_s, u"'ll"_s,
                                                 u" it"_s, u"'s"_s, u"  "_s};
    QTest::newRow("contraction case") << u"'S"_s << QStringList{u"'"_s, u"S"_s};
    QTest::newRow("space before quote") << u" 'tis"_s << QStringList{u" '"_s, u"tis"_s};
    QTest::newRow("punctuation run") << u"--'s"_s << QStringList{u"--'"_s, u"s"_s};
    QTest::newRow("two spaces") << u"a  b"_s << QStringList{u"a"_s, u" "_s, u" b"_s};
    QTest::newRow("space newline space") << u"a \n b"_s << QStringList{u"a"_s, u" \n"_s, u" b"_s};
    QTest::newRow("trailing") << u"x \t"_s << QStringList{u"x"_s, u" \t"_s};
    QTest::newRow("blank lines") << u"\n\nx"_s << QStringList{u"\n"_s, u"\n"_s, u"x"_s};
    QTest::newRow("crlf") << u"a\r\nb"_s << QStringList{u"a"_s, u"\r"_s, u"\n"_s, u"b"_s};
    QTest::newRow("numbers") << u"1,234.56"_s
                             << QStringList{u"1"_s, u","_s, u"234"_s, u"."_s, u"56"_s};
    QTest::newRow("cjk emoji") << u"CJK \u4e2d\u6587\U0001F600!"_s
                               << QStringList{u"CJK"_s, u" \u4e2d\u6587"_s, u"\U0001F600!"_s};
    QTest::newRow("ideographic space") << u"\u3000x"_s << QStringList{u"\u3000"_s, u"x"_s};
    // Only U+0020 may lead a word; other white space stays on its own.
    QTest::newRow("no-break spaces")
        << u"a\u00a0\u00a0b"_s << QStringList{u"a"_s, u"\u00a0"_s, u"\u00a0"_s, u"b"_s};
    QTest::newRow("line separator") << u"x\u2028 y"_s << QStringList{u"x"_s, u"\u2028"_s, u" y"_s};
    QTest::newRow("combining mark") << u"e\u0301"_s << QStringList{u"e"_s, u"\u0301"_s};
    QTest::newRow("astral letters and digits")
        << u"\U0001D7D8\U0001D7D9 \U0001D400\U0001D401"_s
        << QStringList{u"\U0001D7D8\U0001D7D9"_s, u" \U0001D400\U0001D401"_s};
    QTest::newRow("lone surrogate")
        << QString(QChar(0xd800)) + u"ab"_s << QStringList{QString(QChar(0xd800)), u"ab"_s};
}

void TestTokenizer::preTokenizer()
{
    QFETCH(QString, text);
    QFETCH(QStringList, words);
    std::vector<QStringView> split;
    ByteLevelPreTokenizer::split(text, split);
    QStringList got;
    for (const QStringView word : split)
        got.append(word.toString());
    QCOMPARE(got, words);
}

void TestTokenizer::byteAlphabet()
{
    QCOMPARE(ByteLevelPreTokenizer::byteSymbol(' '), u'\u0120');   // "Ġ"
    QCOMPARE(ByteLevelPreTokenizer::byteSymbol('\n'), u'\u010a');  // "Ċ"
    QCOMPARE(ByteLevelPreTokenizer::byteSymbol('A'), u'A');
    QCOMPARE(ByteLevelPreTokenizer::byteSymbol(0xad), u'\u0143');  // the last one moved up
    for (int b = 0; b < 256; ++b)
        QCOMPARE(ByteLevelPreTokenizer::symbolByte(ByteLevelPreTokenizer::byteSymbol(b)), b);
    QCOMPARE(ByteLevelPreTokenizer::symbolByte(u' '), -1);
    QCOMPARE(ByteLevelPreTokenizer::symbolByte(0x1F600), -1);
}

void TestTokenizer::variants()
{
    const QString text = u"Hello world. <|endoftext|>It was a dark night."_s;

    // add_prefix_space: every stretch between added tokens is encoded as if a space preceded it.
    const auto prefixed = loadDemoVariant(u"prefix"_s, [](QJsonObject &root) {
        setPreTokenizerOption(root, u"add_prefix_space"_s, true);
    });
    std::vector<int32_t> expected = m_demo->encode(u" Hello world. "_s);
    expected.push_back(0);
    const std::vector<int32_t> rest = m_demo->encode(u" It was a dark night."_s);
    expected.insert(expected.end(), rest.begin(), rest.end());
    QCOMPARE(prefixed->encode(text), expected);
    QCOMPARE(prefixed->encode(u" Hello"_s), m_demo->encode(u" Hello"_s));

    // Sequences around the normalizer, pre-tokenizer and decoder; merges written as "a b".
    const auto sequenced = loadDemoVariant(u"sequence"_s, [](QJsonObject &root) {
        const auto sequenceOf = [&](const QString &key, const QString &listKey) {
            root[key] = QJsonObject{{"type", "Sequence"}, {listKey, QJsonArray{root[key]}}};
        };
        sequenceOf(u"normalizer"_s, u"normalizers"_s);
        sequenceOf(u"pre_tokenizer"_s, u"pretokenizers"_s);
        sequenceOf(u"decoder"_s, u"decoders"_s);
        QJsonArray merges;
        for (const QJsonValue &m : root["model"].toObject()["merges"].toArray())
            merges.append(m[0].toString() + u' ' + m[1].toString());
        setInModel(root, u"merges"_s, merges);
    });
    const QString decomposed = u"Cafe\u0301 na\u00efve"_s;
    QCOMPARE(sequenced->encode(decomposed), m_demo->encode(decomposed));
    QCOMPARE(sequenced->encode(text), m_demo->encode(text));

    // Without a normalizer, a decomposed accent stays two characters.
    const auto unnormalized =
        loadDemoVariant(u"raw"_s, [](QJsonObject &root) { root["normalizer"] = QJsonValue::Null; });
    QCOMPARE(unnormalized->decode(unnormalized->encode(decomposed)), decomposed);
    QVERIFY(unnormalized->encode(decomposed) != m_demo->encode(decomposed));

    // use_regex false: the whole text is one word.
    const auto noRegex = loadDemoVariant(u"noregex"_s, [](QJsonObject &root) {
        setPreTokenizerOption(root, u"use_regex"_s, false);
    });
    QCOMPARE(noRegex->encode(u"Hello"_s), m_demo->encode(u"Hello"_s));
    QCOMPARE(noRegex->decode(noRegex->encode(text)), text);
}

void TestTokenizer::pipelineVectors_data()
{
    // HF tokenizers' outputs for the pipelines of Falcon and of Llama / Mistral (both the legacy
    // Prepend/Replace form and the Metaspace form), tests/data/tokenizers/README.md.
    QTest::addColumn<QString>("style");
    QTest::addColumn<QJsonObject>("vector");
    for (const QString &style : {u"falcon_style"_s, u"llama_style"_s, u"llama_metaspace_style"_s}) {
        const QJsonArray vectors =
            readJson(kTestData + u"/tokenizers/"_s + style + u"/vectors.json"_s)["vectors"]
                .toArray();
        QVERIFY(vectors.size() >= 40);
        for (qsizetype i = 0; i < vectors.size(); ++i) {
            QString name = vectors[i]["text"].toString().left(20);
            name.replace(u'\n', u"\\n"_s).replace(u'\r', u"\\r"_s).replace(u'\t', u"\\t"_s);
            QTest::addRow("%s %lld %s", qPrintable(style), qlonglong(i), qPrintable(name))
                << style << vectors[i].toObject();
        }
    }
}

void TestTokenizer::pipelineVectors()
{
    QFETCH(QString, style);
    QFETCH(QJsonObject, vector);
    const auto tokenizer =
        BpeTokenizer::fromFile(kTestData + u"/tokenizers/"_s + style + u"/tokenizer.json"_s);
    const QString text = vector["text"].toString();
    const std::vector<int32_t> ids = tokenizer->encode(text);
    QCOMPARE(ids, tokenIds(vector["ids"].toArray()));
    QCOMPARE(tokenizer->encodeUtf8(text.toUtf8()), ids);
    QCOMPARE(tokenizer->withSpecialTokens(ids),
             tokenIds(vector["ids_with_special_tokens"].toArray()));
    // Decoding gives what HF gives, also where that is not the text (marked roundtrip false).
    QCOMPARE(tokenizer->decode(ids), vector["decoded_keep_special"].toString());
    QCOMPARE(tokenizer->decode(ids, true), vector["decoded"].toString());
    if (vector["roundtrip"].toBool())
        QCOMPARE(tokenizer->decode(ids), text);
    if (vector["pre_tokens"].isArray()) {
        QStringList expected;
        for (const QJsonValue &v : vector["pre_tokens"].toArray())
            expected << v.toString();
        QCOMPARE(tokenizer->preTokenize(text), expected);
    }
    if (vector["normalized"].isString())
        QCOMPARE(tokenizer->normalize(text), vector["normalized"].toString());
}

void TestTokenizer::pipelineDecodeOnly_data()
{
    QTest::addColumn<QString>("style");
    QTest::addColumn<QJsonObject>("vector");
    for (const QString &style : {u"falcon_style"_s, u"llama_style"_s, u"llama_metaspace_style"_s}) {
        const QJsonArray vectors =
            readJson(kTestData + u"/tokenizers/"_s + style + u"/vectors.json"_s)["decode_only"]
                .toArray();
        QVERIFY(!vectors.isEmpty());
        for (qsizetype i = 0; i < vectors.size(); ++i)
            QTest::addRow("%s %lld", qPrintable(style), qlonglong(i))
                << style << vectors[i].toObject();
    }
}

void TestTokenizer::pipelineDecodeOnly()
{
    // Id lists no encoding makes: lone UTF-8 lead bytes (one U+FFFD per byte), special tokens.
    QFETCH(QString, style);
    QFETCH(QJsonObject, vector);
    const auto tokenizer =
        BpeTokenizer::fromFile(kTestData + u"/tokenizers/"_s + style + u"/tokenizer.json"_s);
    const std::vector<int32_t> ids = tokenIds(vector["ids"].toArray());
    QCOMPARE(tokenizer->decode(ids), vector["decoded_keep_special"].toString());
    QCOMPARE(tokenizer->decode(ids, true), vector["decoded"].toString());
}

void TestTokenizer::incrementalDecoding_data()
{
    // Token by token, the pieces IncrementalDecoder gives must spell what HuggingFace decodes the
    // whole list to: every vector of every tokenizer style, and the demo model's 512-token text
    // (many cuts; multi-byte characters split between tokens, byte-fallback runs, Metaspace and
    // Strip at the start).
    QTest::addColumn<QString>("tokenizer");
    QTest::addColumn<QJsonArray>("ids");
    QTest::addColumn<QString>("expected");
    for (const QString &style : {u"falcon_style"_s, u"llama_style"_s, u"llama_metaspace_style"_s}) {
        const QString dir = kTestData + u"/tokenizers/"_s + style;
        const QJsonObject file = readJson(dir + u"/vectors.json"_s);
        for (const QString &part : {u"vectors"_s, u"decode_only"_s}) {
            const QJsonArray vectors = file[part].toArray();
            for (qsizetype i = 0; i < vectors.size(); ++i) {
                QTest::addRow("%s %s %lld", qPrintable(style), qPrintable(part), qlonglong(i))
                    << dir + u"/tokenizer.json"_s << vectors[i]["ids"].toArray()
                    << vectors[i]["decoded_keep_special"].toString();
            }
        }
    }
    const QJsonArray neox = readJson(kTestData + u"/neox_test_vectors.json"_s)["vectors"].toArray();
    for (qsizetype i = 0; i < neox.size(); ++i) {
        QTest::addRow("neox %lld", qlonglong(i))
            << neoxPath() << neox[i]["ids"].toArray() << nfc(neox[i]["text"].toString());
    }
    const QJsonObject demo = readJson(kTestData + u"/demo_reference.json"_s);
    QTest::newRow("demo 512 tokens")
        << demoPath() << demo["token_ids"].toArray() << demo["text"].toString();
}

void TestTokenizer::incrementalDecoding()
{
    QFETCH(QString, tokenizer);
    QFETCH(QJsonArray, ids);
    QFETCH(QString, expected);
    const auto bpe = BpeTokenizer::fromFile(tokenizer);
    IncrementalDecoder decoder(*bpe);
    QString streamed;
    for (const int32_t id : tokenIds(ids))
        streamed += decoder.add(id);
    streamed += decoder.finish();
    QCOMPARE(streamed, expected);
}

void TestTokenizer::incrementalDecodingRefusesUnknownIds()
{
    // An id outside the vocabulary is refused as decode refuses it, and leaves the decoder as it
    // was: the next pieces still spell the decoding of the ids it took.
    const QJsonObject demo = readJson(kTestData + u"/demo_reference.json"_s);
    const std::vector<int32_t> ids = tokenIds(demo["token_ids"].toArray());
    IncrementalDecoder decoder(*m_demo);
    QString streamed;
    for (size_t i = 0; i < ids.size(); ++i) {
        streamed += decoder.add(ids[i]);
        if (i == 100) {
            QVERIFY_THROWS_EXCEPTION(Error, decoder.add(m_demo->vocabSize()));
            QVERIFY_THROWS_EXCEPTION(Error, decoder.add(-1));
        }
    }
    streamed += decoder.finish();
    QCOMPARE(streamed, demo["text"].toString());
}

void TestTokenizer::addedTokensAndNormalization()
{
    // HuggingFace matches "normalized" added tokens in NFC text (their content normalized too),
    // and the others in the raw text only.
    const auto tokenizer = loadDemoVariant(u"added"_s, [](QJsonObject &root) {
        QJsonArray added = root["added_tokens"].toArray();
        added.append(addedToken(4096, u"e\u0301t\u00e9"_s, true));  // "été", half decomposed
        added.append(addedToken(4097, u"\u00c5ngstr"_s, false));    // "Ångstr", composed
        added.append(addedToken(4098, u"<sep>"_s, false));
        added.append(addedToken(4099, u"<sep><sep>"_s, false));
        root["added_tokens"] = added;
    });
    QCOMPARE(tokenizer->vocabSize(), 4100);
    const auto ids = [&](const QString &text) { return tokenizer->encode(text); };
    // The ids of the parts of a text: added tokens by themselves, the rest from the demo model.
    const auto idsOf = [&](std::initializer_list<QString> parts) {
        std::vector<int32_t> all;
        for (const QString &part : parts) {
            const int id = tokenizer->tokenId(part);
            const std::vector<int32_t> encoded =
                id >= 4096 ? std::vector<int32_t>{id} : m_demo->encode(part);
            all.insert(all.end(), encoded.begin(), encoded.end());
        }
        return all;
    };
    // Both spellings of "été" become the normalized token.
    const std::vector<int32_t> ete = idsOf({u"un "_s, u"e\u0301t\u00e9"_s, u" chaud"_s});
    QCOMPARE(ids(u"un \u00e9t\u00e9 chaud"_s), ete);
    QCOMPARE(ids(u"un e\u0301te\u0301 chaud"_s), ete);
    // The raw token matches its own spelling only; decomposed, it goes through BPE after NFC.
    QCOMPARE(ids(u"\u00c5ngstr\u00f6m"_s), idsOf({u"\u00c5ngstr"_s, u"\u00f6m"_s}));
    QCOMPARE(ids(u"A\u030angstr\u00f6m"_s), m_demo->encode(u"\u00c5ngstr\u00f6m"_s));
    // Longest match wins, then the scan goes on after it.
    const std::vector<int32_t> seps{m_demo->tokenId(u"a"_s), 4099, 4098, m_demo->tokenId(u"b"_s)};
    QCOMPARE(ids(u"a<sep><sep><sep>b"_s), seps);
    // Added tokens decode to their content as written.
    QCOMPARE(tokenizer->decode(ids(u"x<sep>\u00e9t\u00e9 "_s)), u"x<sep>e\u0301t\u00e9 "_s);
}

void TestTokenizer::invalidUtf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("offset");
    QTest::newRow("stray continuation") << QByteArray("ab\x80") << 2;
    QTest::newRow("invalid lead") << QByteArray("\xff") << 0;
    QTest::newRow("truncated at end") << QByteArray("ok \xe2\x82") << 3;
    QTest::newRow("bad continuation") << QByteArray("\xc3(") << 0;
    QTest::newRow("overlong") << QByteArray("a\xc0\xaf") << 1;
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << 0;
    QTest::newRow("above U+10FFFF") << QByteArray("xy\xf4\x90\x80\x80") << 2;
}

void TestTokenizer::invalidUtf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, offset);
    try {
        m_neox->encodeUtf8(bytes, u"book.txt"_s);
        QFAIL("invalid UTF-8 was accepted");
    } catch (const Error &e) {
        QCOMPARE(e.file(), u"book.txt"_s);
        QCOMPARE(e.message(), u"book.txt: invalid UTF-8 at byte %1"_s.arg(offset));
    }
}

void TestTokenizer::edgeCases()
{
    QVERIFY(m_neox->encodeUtf8({}).empty());
    QVERIFY(m_neox->encode({}).empty());
    QCOMPARE(m_neox->decode({}), QString());
    QCOMPARE(m_demo->encodeUtf8("\xf0\x9f\x98\x80"), m_demo->encode(u"\U0001F600"_s));
    // A byte order mark is kept, as HuggingFace keeps it; decoding gives it back.
    const std::vector<int32_t> withBom = m_neox->encodeUtf8("\xef\xbb\xbfHi");
    QCOMPARE(withBom, m_neox->encode(u"\ufeffHi"_s));
    QCOMPARE(withBom.size(), std::size_t(2));
    QCOMPARE(m_neox->decode(withBom), u"\ufeffHi"_s);
    QVERIFY_THROWS_EXCEPTION(Error, m_demo->decode({5, 4096}));
    try {
        m_demo->decode({-1});
        QFAIL("id -1 was accepted");
    } catch (const Error &e) {
        QCOMPARE(e.message(), u"token id -1 outside the vocabulary (size 4096)"_s);
    }
    // A cut-off character decodes lossily, not with an error.
    const std::vector<int32_t> ids = m_demo->encode(u"\U0001F600"_s);
    QVERIFY(ids.size() > 1);
    QVERIFY(m_demo->decode({ids.front()}).contains(QChar(QChar::ReplacementCharacter)));
}

void TestTokenizer::badFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("problem");

    QTest::newRow("missing file") << m_dir.filePath(u"absent.json"_s) << u"cannot read ("_s;
    QTest::newRow("invalid JSON") << writeFile(u"truncated.json"_s, R"({"model": {"type": )")
                                  << u"not valid JSON (unterminated object at offset 19)"_s;
    QTest::newRow("not an object")
        << writeFile(u"array.json"_s, "[1, 2]") << u"not a JSON object"_s;
    QTest::newRow("Unigram") << writeFile(u"unigram.json"_s, R"({"model": {"type": "Unigram",
        "vocab": [["a", -1.0]]}, "pre_tokenizer": {"type": "Metaspace"}})")
                             << u"unsupported tokenizer model type 'Unigram'"_s;
    QTest::newRow("no model") << writeFile(u"nomodel.json"_s, "{}") << u"no \"model\""_s;

    const auto variant = [this](const char *name, const JsonEdit &edit) {
        return writeDemoVariant(QString::fromLatin1(name), edit);
    };
    QTest::newRow("merge of unknown token") << variant("unknown-merge", [](QJsonObject &root) {
        QJsonArray merges = root["model"].toObject()["merges"].toArray();
        merges.append(QJsonArray{"\u0120", "zqzqzq"});
        setInModel(root, u"merges"_s, merges);
    }) << u"model.merges[3839] ('\u0120 zqzqzq') names 'zqzqzq', which is not in the vocabulary"_s;
    QTest::newRow("merge result unknown")
        << variant("unknown-result",
                   [](QJsonObject &root) {
                       QJsonArray merges = root["model"].toObject()["merges"].toArray();
                       merges.insert(0, QJsonArray{"\u0100", "\u0100"});  // two NUL bytes
                       setInModel(root, u"merges"_s, merges);
                   })
        << u"model.merges[0] ('\u0100 \u0100') makes '\u0100\u0100', which is not in the "
           "vocabulary"_s;
    QTest::newRow("malformed merge") << variant("bad-merge", [](QJsonObject &root) {
        setInModel(root, u"merges"_s, QJsonArray{"a b c"});
    }) << u"model.merges[0] is neither"_s;
    QTest::newRow("no vocab") << variant("no-vocab", [](QJsonObject &root) {
        setInModel(root, u"vocab"_s, QJsonValue::Undefined);
    }) << u"no vocabulary (model.vocab)"_s;
    QTest::newRow("no merges") << variant("no-merges", [](QJsonObject &root) {
        setInModel(root, u"merges"_s, QJsonValue::Undefined);
    }) << u"no merges (model.merges)"_s;
    QTest::newRow("hostile id") << variant("huge-id", [](QJsonObject &root) {
        QJsonObject vocab = root["model"].toObject()["vocab"].toObject();
        vocab["zqzqzq"] = 1e12;
        setInModel(root, u"vocab"_s, vocab);
    }) << u"model.vocab['zqzqzq'] is not a valid token id"_s;
    QTest::newRow("byte missing") << variant("no-byte", [](QJsonObject &root) {
        QJsonObject vocab = root["model"].toObject()["vocab"].toObject();
        vocab.remove(u"\u0120"_s);
        setInModel(root, u"vocab"_s, vocab);
        setInModel(root, u"merges"_s, QJsonArray{});
    }) << u"model.vocab lacks '\u0120', the symbol of byte 0x20"_s;
    QTest::newRow("word-level") << variant("whitespace", [](QJsonObject &root) {
        root["pre_tokenizer"] = QJsonObject{{"type", "Whitespace"}};
    }) << u"unsupported pre-tokenizer 'Whitespace'"_s;
    QTest::newRow("no pre-tokenizer")
        << variant("no-pre", [](QJsonObject &root) { root["pre_tokenizer"] = QJsonValue::Null; })
        << u"no ByteLevel pre-tokenizer, no byte_fallback and no unk_token"_s;
    QTest::newRow("BERT pre-tokenizer") << variant("bert", [](QJsonObject &root) {
        root["pre_tokenizer"] =
            QJsonObject{{"type", "Sequence"},
                        {"pretokenizers", QJsonArray{QJsonObject{{"type", "Punctuation"}},
                                                     QJsonObject{{"type", "BertPreTokenizer"}}}}};
    }) << u"unsupported pre-tokenizer 'BertPreTokenizer'"_s;
    QTest::newRow("split without pattern") << variant("split", [](QJsonObject &root) {
        root["pre_tokenizer"] = QJsonObject{{"type", "Split"}, {"behavior", "Isolated"}};
    }) << u"pre-tokenizer 'Split' has no valid pattern"_s;
    QTest::newRow("Roberta post-processor") << variant("roberta", [](QJsonObject &root) {
        root["post_processor"] = QJsonObject{{"type", "RobertaProcessing"}};
    }) << u"unsupported post-processor 'RobertaProcessing'"_s;
    QTest::newRow("unknown unk_token")
        << variant("unk", [](QJsonObject &root) { setInModel(root, u"unk_token"_s, u"<nope>"_s); })
        << u"model.unk_token '<nope>' is not in the vocabulary"_s;
    QTest::newRow("lowercase") << variant("lowercase", [](QJsonObject &root) {
        root["normalizer"] = QJsonObject{
            {"type", "Sequence"},
            {"normalizers",
             QJsonArray{QJsonObject{{"type", "NFC"}}, QJsonObject{{"type", "Lowercase"}}}}};
    }) << u"unsupported normalizer 'Lowercase'"_s;
    QTest::newRow("WordPiece decoder") << variant("wordpiece", [](QJsonObject &root) {
        root["decoder"] = QJsonObject{{"type", "WordPiece"}};
    }) << u"unsupported decoder 'WordPiece'"_s;
    QTest::newRow("lstrip") << variant("lstrip", [](QJsonObject &root) {
        root["added_tokens"] =
            QJsonArray{QJsonObject{{"id", 0}, {"content", "<mask>"}, {"lstrip", true}}};
    }) << u"added token '<mask>' sets lstrip"_s;
    QTest::newRow("added token without id") << variant("added-id", [](QJsonObject &root) {
        root["added_tokens"] = QJsonArray{QJsonObject{{"content", "<x>"}}};
    }) << u"added_tokens[0] lacks a content or a valid id"_s;
}

void TestTokenizer::badFiles()
{
    QFETCH(QString, path);
    QFETCH(QString, problem);
    try {
        BpeTokenizer::fromFile(path);
        QFAIL("a bad tokenizer.json was accepted");
    } catch (const Error &e) {
        QCOMPARE(e.file(), path);
        QVERIFY2(e.message().startsWith(path + u": "_s), qPrintable(e.message()));
        QVERIFY2(e.problem().contains(problem), qPrintable(e.message()));
    }
}

void TestTokenizer::speed()
{
    const QByteArray book = readBytes(bookPath(u"test_mobydick"_s));
    const auto falcon =
        BpeTokenizer::fromFile(kTestData + u"/tokenizers/falcon_style/tokenizer.json"_s);
    const auto llama =
        BpeTokenizer::fromFile(kTestData + u"/tokenizers/llama_metaspace_style/tokenizer.json"_s);
    for (const auto &[name, tokenizer] :
         {std::pair{"GPT-NeoX", m_neox.get()}, std::pair{"demo", m_demo.get()},
          std::pair{"Falcon-style", falcon.get()}, std::pair{"Llama-style", llama.get()}}) {
        qint64 best = std::numeric_limits<qint64>::max();
        std::size_t tokens = 0;
        for (int run = 0; run < 3; ++run) {
            QElapsedTimer timer;
            timer.start();
            tokens = tokenizer->encodeUtf8(book).size();
            best = std::min(best, timer.nsecsElapsed());
        }
        qInfo("%s tokenizer, test_mobydick (%.2f MB, %zu tokens): %.1f MB/s on one thread", name,
              book.size() / 1e6, tokens, book.size() / 1e6 / (best / 1e9));
    }
}

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
