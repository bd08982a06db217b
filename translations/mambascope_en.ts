<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
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
</TS>
