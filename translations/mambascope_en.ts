<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
<context>
    <name>mscope::GenerationPanel</name>
    <message numerus="yes">
        <source>Generating after %n prompt token(s)…</source>
        <translation>
            <numerusform>Generating after %n prompt token…</numerusform>
            <numerusform>Generating after %n prompt tokens…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n token(s), %1 tokens/s, prefill %2 ms, first token shown %3 ms after it</source>
        <translation>
            <numerusform>%n token, %1 tokens/s, prefill %2 ms, first token shown %3 ms after it</numerusform>
            <numerusform>%n tokens, %1 tokens/s, prefill %2 ms, first token shown %3 ms after it</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mscope::MainWindow</name>
    <message numerus="yes">
        <source>Opened %1: %n layer(s), %2 parameters</source>
        <translation>
            <numerusform>Opened %1: %n layer, %2 parameters</numerusform>
            <numerusform>Opened %1: %n layers, %2 parameters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (+%n more)</source>
        <translation>
            <numerusform> (+%n more)</numerusform>
            <numerusform> (+%n more)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sweeping %1 over %n factor(s)…</source>
        <translation>
            <numerusform>Sweeping %1 over %n factor…</numerusform>
            <numerusform>Sweeping %1 over %n factors…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mscope::ModelPanel</name>
    <message numerus="yes">
        <source>Mamba-2, %n layer(s)</source>
        <translation>
            <numerusform>Mamba-2, %n layer</numerusform>
            <numerusform>Mamba-2, %n layers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mamba-1, %n layer(s)</source>
        <translation>
            <numerusform>Mamba-1, %n layer</numerusform>
            <numerusform>Mamba-1, %n layers</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mscope::RetrievalPanel</name>
    <message numerus="yes">
        <source>Computing %n key(s) per cell…</source>
        <translation>
            <numerusform>Computing %n key per cell…</numerusform>
            <numerusform>Computing %n keys per cell…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mean accuracy over the grid: %1 as loaded, %2 under the faders (%3; %n key(s) per cell).</source>
        <translation>
            <numerusform>Mean accuracy over the grid: %1 as loaded, %2 under the faders (%3; %n key per cell).</numerusform>
            <numerusform>Mean accuracy over the grid: %1 as loaded, %2 under the faders (%3; %n keys per cell).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mscope::TextSpreadChart</name>
    <message numerus="yes">
        <source>Perplexity on %n texts: %1 against the model as loaded</source>
        <translation>
            <numerusform>Perplexity on %n text: %1 against the model as loaded</numerusform>
            <numerusform>Perplexity on %n texts: %1 against the model as loaded</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Perplexity on %n texts</source>
        <translation>
            <numerusform>Perplexity on %n text</numerusform>
            <numerusform>Perplexity on %n texts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;positions %1–%2&lt;/b&gt;, %n text(s)</source>
        <translation>
            <numerusform>&lt;b&gt;positions %1–%2&lt;/b&gt;, %n text</numerusform>
            <numerusform>&lt;b&gt;positions %1–%2&lt;/b&gt;, %n texts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mscope::WorkbenchSession</name>
    <message numerus="yes">
        <source>Factor sweep (%n pass(es))</source>
        <translation>
            <numerusform>Factor sweep (%n pass)</numerusform>
            <numerusform>Factor sweep (%n passes)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Comparing on %n text(s)</source>
        <translation>
            <numerusform>Comparing on %n text</numerusform>
            <numerusform>Comparing on %n texts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Testing the calibration on %n held-out text(s)</source>
        <translation>
            <numerusform>Testing the calibration on %n held-out text</numerusform>
            <numerusform>Testing the calibration on %n held-out texts</numerusform>
        </translation>
    </message>
</context>
</TS>
