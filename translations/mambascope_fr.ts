<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en">
<context>
    <name>main</name>
    <message>
        <source>Workbench for the length generalization of Mamba models: spectra, scaling, perplexity against context length.</source>
        <translation>Atelier pour la généralisation en longueur des modèles Mamba : spectres, mise à l&apos;échelle, perplexité selon la longueur de contexte.</translation>
    </message>
    <message>
        <source>Model folder (default: the demo).</source>
        <translation>Dossier du modèle (par défaut : le modèle de démonstration).</translation>
    </message>
    <message>
        <source>Interface language for this run: %1 (default: View ▸ Language, else the system&apos;s).</source>
        <translation>Langue de l&apos;interface pour cette exécution : %1 (par défaut : Affichage ▸ Langue, sinon celle du système).</translation>
    </message>
    <message>
        <source>mambascope: no interface language &quot;%1&quot;; available: %2. Using %3.</source>
        <translation>mambascope : pas de langue d’interface « %1 » ; disponibles : %2. Utilisation de %3.</translation>
    </message>
</context>
<context>
    <name>mscope::AboutDialog</name>
    <message>
        <source>About MambaScope</source>
        <translation>À propos de MambaScope</translation>
    </message>
    <message>
        <source>&lt;h2&gt;MambaScope %1&lt;/h2&gt;&lt;p&gt;A workbench for studying and fixing the length generalization of Mamba language models by &lt;b&gt;spectrum scaling&lt;/b&gt;: look at each layer&apos;s spectrum, rescale it, and watch perplexity against context length respond.&lt;/p&gt;&lt;p&gt;Method: Mamba Modulation: On the Length Generalization of Mamba (arXiv 2509.19633, NeurIPS 2025); Δ-scaling baseline from MambaExtend (ICLR 2025).&lt;/p&gt;</source>
        <translation>&lt;h2&gt;MambaScope %1&lt;/h2&gt;&lt;p&gt;Un atelier pour étudier et corriger la généralisation en longueur des modèles de langue Mamba par &lt;b&gt;mise à l’échelle du spectre&lt;/b&gt; : regardez le spectre de chaque couche, remettez-le à l’échelle, et voyez la perplexité en fonction de la longueur du contexte réagir.&lt;/p&gt;&lt;p&gt;Méthode : Mamba Modulation: On the Length Generalization of Mamba (arXiv 2509.19633, NeurIPS 2025) ; référence de mise à l’échelle de Δ : MambaExtend (ICLR 2025).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Where to start&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Help ▸ Guided Tour&lt;/b&gt; walks the five steps of the README on this window: the failure, the spectrum, one fader, calibration, baking.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Help ▸ User Guide&lt;/b&gt; (F1): every panel, menu and key%1.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Help ▸ What&apos;s This?&lt;/b&gt; (Shift+F1), then a click on a panel, says what it shows.&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>&lt;h3&gt;Par où commencer&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Aide ▸ Visite guidée&lt;/b&gt; parcourt les cinq étapes du README dans cette fenêtre : l’échec, le spectre, un curseur, la calibration, le figeage.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Aide ▸ Guide de l’utilisateur&lt;/b&gt; (F1) : chaque panneau, menu et touche%1.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Aide ▸ Qu’est-ce que c’est ?&lt;/b&gt; (Maj+F1), puis un clic sur un panneau, dit ce qu’il montre.&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
    <message>
        <source> — &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt;</source>
        <translation> — &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;This program&lt;/h3&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%1 (built with %2)&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;OpenBLAS kernels&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Processor threads&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Demo model&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Settings&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</source>
        <translation>&lt;h3&gt;Ce programme&lt;/h3&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%1 (compilé avec %2)&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Noyaux OpenBLAS&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Fils du processeur&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Modèle de démonstration&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Réglages&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>introuvable</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Licences&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;MambaScope&lt;/b&gt; and its demo model: GNU General Public License, version 3 or later (GPL-3.0-or-later). No warranty.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Qt %1&lt;/b&gt; (Widgets, Charts, SVG): The Qt Company, used under the GNU (L)GPL version 3.&lt;/li&gt;&lt;li&gt;&lt;b&gt;GPT-NeoX-20B tokenizer&lt;/b&gt; (tokenizer.json): EleutherAI, Apache License 2.0.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Demo texts&lt;/b&gt;: Project Gutenberg books by Austen, Melville, Shelley and Stoker, public domain in the USA.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Eigen&lt;/b&gt;: Mozilla Public License 2.0. &lt;b&gt;OpenBLAS&lt;/b&gt;: BSD 3-Clause licence.&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>&lt;h3&gt;Licences&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;MambaScope&lt;/b&gt; et son modèle de démonstration : GNU General Public License, version 3 ou ultérieure (GPL-3.0-or-later). Aucune garantie.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Qt %1&lt;/b&gt; (Widgets, Charts, SVG) : The Qt Company, utilisé sous la GNU (L)GPL version 3.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Tokeniseur GPT-NeoX-20B&lt;/b&gt; (tokenizer.json) : EleutherAI, licence Apache 2.0.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Textes de démonstration&lt;/b&gt; : livres du Projet Gutenberg d’Austen, Melville, Shelley et Stoker, domaine public aux États-Unis.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Eigen&lt;/b&gt; : Mozilla Public License 2.0. &lt;b&gt;OpenBLAS&lt;/b&gt; : licence BSD à 3 clauses.&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
</context>
<context>
    <name>mscope::CalibrationDialog</name>
    <message>
        <source>Calibrate the scaling</source>
        <translation>Calibrer la mise à l&apos;échelle</translation>
    </message>
    <message>
        <source>Power (the paper&apos;s method)</source>
        <translation>Puissance (la méthode de l&apos;article)</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>Linéaire</translation>
    </message>
    <message>
        <source>Δ scaling</source>
        <translation>Mise à l&apos;échelle de Δ</translation>
    </message>
    <message>
        <source>SPSA (as in the paper)</source>
        <translation>SPSA (comme dans l&apos;article)</translation>
    </message>
    <message>
        <source>Coordinate search (golden section per layer)</source>
        <translation>Recherche par coordonnées (section dorée par couche)</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> jetons</translation>
    </message>
    <message>
        <source> forward passes</source>
        <translation> passes avant</translation>
    </message>
    <message>
        <source>SPSA iterations (the paper uses 30).</source>
        <translation>Itérations SPSA (l&apos;article en utilise 30).</translation>
    </message>
    <message>
        <source>none ticked</source>
        <translation>aucun texte coché</translation>
    </message>
    <message>
        <source>&amp;Family:</source>
        <translation>&amp;Famille :</translation>
    </message>
    <message>
        <source>&amp;Method:</source>
        <translation>&amp;Méthode :</translation>
    </message>
    <message>
        <source>&amp;Target length:</source>
        <translation>Longueur &amp;cible :</translation>
    </message>
    <message>
        <source>&amp;Budget:</source>
        <translation>&amp;Budget :</translation>
    </message>
    <message>
        <source>SPSA &amp;iterations:</source>
        <translation>&amp;Itérations SPSA :</translation>
    </message>
    <message>
        <source>&amp;Seed:</source>
        <translation>&amp;Graine :</translation>
    </message>
    <message>
        <source>Calibrate</source>
        <translation>Calibrer</translation>
    </message>
    <message>
        <source>, roughly %1 s at the current speed.</source>
        <translation>, soit environ %1 s à la vitesse actuelle.</translation>
    </message>
    <message>
        <source>, roughly %1 min at the current speed.</source>
        <translation>, soit environ %1 min à la vitesse actuelle.</translation>
    </message>
    <message>
        <source>Chooses factors that minimize the objective at the target length on the calibration texts (never the evaluation text), starting from the current faders. The faders follow the best point found; Stop keeps it.</source>
        <translation>Choisit les facteurs qui minimisent l’objectif à la longueur cible sur les textes de calibration (jamais le texte d’évaluation), en partant des curseurs actuels. Les curseurs suivent le meilleur point trouvé ; Arrêter le conserve.</translation>
    </message>
    <message>
        <source>Gradient (Adam, by backpropagation)</source>
        <translation>Gradient (Adam, par rétropropagation)</translation>
    </message>
    <message>
        <source>One factor per layer</source>
        <translation>Un facteur par couche</translation>
    </message>
    <message>
        <source>One factor per head</source>
        <translation>Un facteur par tête</translation>
    </message>
    <message>
        <source>One factor per channel</source>
        <translation>Un facteur par canal</translation>
    </message>
    <message>
        <source>One factor per state (channel × state)</source>
        <translation>Un facteur par état (canal × état)</translation>
    </message>
    <message>
        <source>Finer than per layer needs the gradient method; the faders then show each layer&apos;s mean and the spectrum the real factors.</source>
        <translation>Plus fin que par couche demande la méthode du gradient ; les curseurs montrent alors la moyenne de chaque couche et le spectre les vrais facteurs.</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>Perplexité</translation>
    </message>
    <message>
        <source>Retrieval (passkey key NLL)</source>
        <translation>Récupération (NLL de la clé passkey)</translation>
    </message>
    <message>
        <source>Mixed</source>
        <translation>Mixte</translation>
    </message>
    <message>
        <source>Perplexity: mean NLL of windows of the target length. Retrieval: mean NLL of the key in passkey prompts of the target length made from the calibration texts. Retrieval and mixed need the gradient method.</source>
        <translation>Perplexité : NLL moyenne de fenêtres de la longueur cible. Récupération : NLL moyenne de la clé dans des invites passkey de la longueur cible faites à partir des textes de calibration. Récupération et mixte demandent la méthode du gradient.</translation>
    </message>
    <message>
        <source>Retrieval weight W: J = (1 − W)·perplexity NLL + W·key NLL</source>
        <translation>Poids de la récupération W : J = (1 − W)·NLL de perplexité + W·NLL de la clé</translation>
    </message>
    <message>
        <source>Passkey prompts for a retrieval objective, and for the held-out report at the end</source>
        <translation>Invites passkey pour un objectif de récupération, et pour le rapport sur textes réservés à la fin</translation>
    </message>
    <message>
        <source>&amp;Granularity:</source>
        <translation>&amp;Granularité :</translation>
    </message>
    <message>
        <source>&amp;Objective:</source>
        <translation>&amp;Objectif :</translation>
    </message>
    <message>
        <source>Retrieval &amp;weight:</source>
        <translation>&amp;Poids de la récupération :</translation>
    </message>
    <message>
        <source>Passkey &amp;prompts:</source>
        <translation>&amp;Invites passkey :</translation>
    </message>
    <message>
        <source>Forward passes of the target length over the whole search (SPSA and coordinate search get the same budget so they compare).</source>
        <translation>Passes avant de la longueur cible sur toute la recherche (SPSA et la recherche par coordonnées reçoivent le même budget pour être comparables).</translation>
    </message>
    <message>
        <source>Adam&apos;s learning rate (the paper sweeps 1e-4 … 1e-1)</source>
        <translation>Taux d’apprentissage d’Adam (l’article balaie 1e-4 … 1e-1)</translation>
    </message>
    <message>
        <source>Adam steps: one gradient of every window per step</source>
        <translation>Pas d’Adam : un gradient de chaque fenêtre par pas</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automatique</translation>
    </message>
    <message>
        <source>Windows of the target length per evaluation; automatic takes budget / (1 + 3 × SPSA iterations), at least 1</source>
        <translation>Fenêtres de la longueur cible par évaluation ; automatique prend budget / (1 + 3 × itérations SPSA), au moins 1</translation>
    </message>
    <message>
        <source>&amp;Learning rate:</source>
        <translation>&amp;Taux d’apprentissage :</translation>
    </message>
    <message>
        <source>S&amp;teps:</source>
        <translation>&amp;Pas :</translation>
    </message>
    <message>
        <source>&amp;Windows:</source>
        <translation>&amp;Fenêtres :</translation>
    </message>
    <message>
        <source>Calibration texts: %1</source>
        <translation>Textes de calibration : %1</translation>
    </message>
    <message>
        <source>Objective per evaluation</source>
        <translation>Objectif par évaluation</translation>
    </message>
    <message>
        <source>evaluated</source>
        <translation>évalué</translation>
    </message>
    <message>
        <source>best so far</source>
        <translation>meilleur jusqu’ici</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>Évaluation</translation>
    </message>
    <message>
        <source>Objective</source>
        <translation>Objectif</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Held-out test not run: %1</source>
        <translation>Test sur textes réservés non effectué : %1</translation>
    </message>
    <message>
        <source>Starts from the current faders: %1.</source>
        <translation>Part des curseurs actuels : %1.</translation>
    </message>
    <message>
        <source>About %1 million token passes through the model</source>
        <translation>Environ %1 million de passages de jetons dans le modèle</translation>
    </message>
    <message>
        <source>Preparing the calibration texts…</source>
        <translation>Préparation des textes de calibration…</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>perplexité</translation>
    </message>
    <message>
        <source>Evaluation %1 (%2 of %3 passes) · %4 · %5 %6 · best %7</source>
        <translation>Évaluation %1 (%2 passes sur %3) · %4 · %5 %6 · meilleure %7</translation>
    </message>
    <message>
        <source>Stopped after %1 evaluations; the faders keep the best point found.</source>
        <translation>Arrêté après %1 évaluations ; les curseurs gardent le meilleur point trouvé.</translation>
    </message>
    <message>
        <source>Done after %1 evaluations; the faders hold the result.</source>
        <translation>Terminé après %1 évaluations ; les curseurs portent le résultat.</translation>
    </message>
    <message>
        <source>Testing on the texts not used for calibration…</source>
        <translation>Test sur les textes non utilisés pour la calibration…</translation>
    </message>
    <message>
        <source>Calibration failed: %1</source>
        <translation>La calibration a échoué : %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;On texts not used for calibration&lt;/b&gt; (%1):&lt;br&gt;perplexity in windows of %2 tokens (%3 windows): %4 → %5&lt;br&gt;passkey accuracy at %2 tokens (%6 prompts): %7% → %8% · key NLL %9 → %10</source>
        <translation>&lt;b&gt;Sur les textes non utilisés pour la calibration&lt;/b&gt; (%1) :&lt;br&gt;perplexité en fenêtres de %2 jetons (%3 fenêtres) : %4 → %5&lt;br&gt;exactitude passkey à %2 jetons (%6 invites) : %7 % → %8 % · NLL de la clé %9 → %10</translation>
    </message>
</context>
<context>
    <name>mscope::ComparePanel</name>
    <message>
        <source>Sweep the All Factor</source>
        <translation>Balayer le facteur Tous</translation>
    </message>
    <message>
        <source>One pass over the evaluation text per factor (every layer at that factor of the current family): perplexity at the training and the target length</source>
        <translation>Une passe sur le texte d’évaluation par facteur (chaque couche à ce facteur de la famille actuelle) : perplexité à la longueur d’entraînement et à la longueur cible</translation>
    </message>
    <message>
        <source>Compare on All Test Texts</source>
        <translation>Comparer sur tous les textes de test</translation>
    </message>
    <message>
        <source>The baseline and the current scaling on every text not ticked for calibration: mean and range over the texts</source>
        <translation>La référence et la mise à l’échelle actuelle sur chaque texte non coché pour la calibration : moyenne et étendue sur les textes</translation>
    </message>
    <message>
        <source>Nothing computed yet: these take several passes, so they run when asked.</source>
        <translation>Rien de calculé pour l’instant : ces calculs demandent plusieurs passes, ils se lancent sur demande.</translation>
    </message>
    <message>
        <source>Factor sweep</source>
        <translation>Balayage du facteur</translation>
    </message>
    <message>
        <source>Several texts</source>
        <translation>Plusieurs textes</translation>
    </message>
</context>
<context>
    <name>mscope::DivergingHeatmap</name>
    <message>
        <source>layer</source>
        <translation>couche</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>canal</translation>
    </message>
    <message>
        <source>%1 · blue: %2 · red: %3 · saturates at the 99th percentile of |value|</source>
        <translation>%1 · bleu : %2 · rouge : %3 · sature au 99e centile de |valeur|</translation>
    </message>
    <message>
        <source>labels: one %1 in %2 · </source>
        <translation>étiquettes : une %1 sur %2 · </translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 %2, %3 %4&lt;/b&gt;&lt;br&gt;%5 = %6</source>
        <translation>&lt;b&gt;%1 %2, %3 %4&lt;/b&gt;&lt;br&gt;%5 = %6</translation>
    </message>
</context>
<context>
    <name>mscope::FactorScale</name>
    <message>
        <source>Power scaling (the paper&apos;s method): α&apos; = α^s. Below 1 it pulls every decay rate toward 1, so modes that remember too long forget sooner. 1 = unchanged.</source>
        <translation>Mise à l&apos;échelle en puissance (la méthode de l&apos;article) : α&apos; = α^s. En dessous de 1, chaque taux de décroissance est rapproché de 1, si bien que les modes à la mémoire trop longue oublient plus tôt. 1 = inchangé.</translation>
    </message>
    <message>
        <source>Linear scaling: α&apos; = s·α. Above 1 every mode forgets s times faster. 1 = unchanged.</source>
        <translation>Mise à l&apos;échelle linéaire : α&apos; = s·α. Au-dessus de 1, chaque mode oublie s fois plus vite. 1 = inchangé.</translation>
    </message>
    <message>
        <source>Δ scaling (MambaExtend): Δ&apos; = s·Δ, the step size after the softplus. Cannot be baked into a checkpoint. 1 = unchanged.</source>
        <translation>Mise à l&apos;échelle de Δ (MambaExtend) : Δ&apos; = s·Δ, le pas après le softplus. Ne peut pas être figée dans un point de contrôle. 1 = inchangé.</translation>
    </message>
    <message>
        <source>Winsorization: clip each layer&apos;s eigenvalues λ to their own [q, 1−q] quantiles. 0 = unchanged.</source>
        <translation>Winsorisation : borne les valeurs propres λ de chaque couche à leurs propres quantiles [q, 1−q]. 0 = inchangé.</translation>
    </message>
    <message>
        <source>τ cap: make every mode forget within c × the training length (needs Δ statistics). ∞ = unchanged.</source>
        <translation>Plafond de τ : chaque mode oublie en moins de c × la longueur d&apos;entraînement (nécessite les statistiques de Δ). ∞ = inchangé.</translation>
    </message>
    <message>
        <source>power s</source>
        <translation>puissance s</translation>
    </message>
    <message>
        <source>α ×</source>
        <translation>α ×</translation>
    </message>
    <message>
        <source>Δ ×</source>
        <translation>Δ ×</translation>
    </message>
    <message>
        <source>quantile q</source>
        <translation>quantile q</translation>
    </message>
    <message>
        <source>τ ≤ c·L</source>
        <translation>τ ≤ c·L</translation>
    </message>
    <message>
        <source>Keys: ↑/↓ (or the wheel) ×%1 or ÷%1, Page Up/Down ×%2 or ÷%2, Home/End the ends; or type a value in the box below.</source>
        <translation>Touches : ↑/↓ (ou la molette) ×%1 ou ÷%1, Page préc./suiv. ×%2 ou ÷%2, Début/Fin les extrémités ; ou tapez une valeur dans la case ci-dessous.</translation>
    </message>
    <message>
        <source>Keys: ↑/↓ (or the wheel) ±%1, Page Up/Down ±%2, Home/End the ends; or type a value in the box below.</source>
        <translation>Touches : ↑/↓ (ou la molette) ±%1, Page préc./suiv. ±%2, Début/Fin les extrémités ; ou tapez une valeur dans la case ci-dessous.</translation>
    </message>
</context>
<context>
    <name>mscope::FactorSweepChart</name>
    <message>
        <source>Factor sweep: perplexity at the training and target lengths</source>
        <translation>Balayage du facteur : perplexité aux longueurs d’entraînement et cible</translation>
    </message>
    <message>
        <source>Factor sweep</source>
        <translation>Balayage du facteur</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>Balayage</translation>
    </message>
    <message>
        <source>All factor</source>
        <translation>Facteur Tous</translation>
    </message>
    <message>
        <source>factor</source>
        <translation>facteur</translation>
    </message>
    <message>
        <source>Perplexity (log scale)</source>
        <translation>Perplexité (échelle log)</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>Perplexité</translation>
    </message>
    <message>
        <source>Each point is one pass over the evaluation text with every layer at that factor: orange, perplexity over the octave ending at the training length; green, at the target length. The trade-off of the master fader in one plot.</source>
        <translation>Chaque point est une passe sur le texte d’évaluation avec chaque couche à ce facteur : orange, la perplexité sur l’octave qui se termine à la longueur d’entraînement ; vert, à la longueur cible. Le compromis du curseur principal en un seul graphique.</translation>
    </message>
    <message>
        <source>at the training length (%1)</source>
        <translation>à la longueur d’entraînement (%1)</translation>
    </message>
    <message>
        <source>at the target length (%1)</source>
        <translation>à la longueur cible (%1)</translation>
    </message>
    <message>
        <source>Factor sweep: %1</source>
        <translation>Balayage du facteur : %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;All = %1&lt;/b&gt;&lt;br&gt;at the training length: %2&lt;br&gt;at the target length: %3</source>
        <translation>&lt;b&gt;Tous = %1&lt;/b&gt;&lt;br&gt;à la longueur d’entraînement : %2&lt;br&gt;à la longueur cible : %3</translation>
    </message>
    <message>
        <source>ppl</source>
        <translation>ppl</translation>
    </message>
</context>
<context>
    <name>mscope::GenerationPanel</name>
    <message>
        <source>Type a prompt, or start from the first tokens of a text</source>
        <translation>Tapez une invite, ou partez des premiers jetons d’un texte</translation>
    </message>
    <message>
        <source>first </source>
        <translation>premiers </translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> jetons</translation>
    </message>
    <message>
        <source>Type a prompt…</source>
        <translation>Tapez une invite…</translation>
    </message>
    <message>
        <source>Once upon a time</source>
        <translation>Il était une fois</translation>
    </message>
    <message>
        <source>Greedy</source>
        <translation>Glouton</translation>
    </message>
    <message>
        <source>Always the most likely token (temperature, top-k and top-p unused)</source>
        <translation>Toujours le jeton le plus probable (température, top-k et top-p inutilisés)</translation>
    </message>
    <message>
        <source>T </source>
        <translation>T </translation>
    </message>
    <message>
        <source>top-k </source>
        <translation>top-k </translation>
    </message>
    <message>
        <source>Keep the k most likely tokens (0 keeps all)</source>
        <translation>Garder les k jetons les plus probables (0 les garde tous)</translation>
    </message>
    <message>
        <source>top-p </source>
        <translation>top-p </translation>
    </message>
    <message>
        <source>seed </source>
        <translation>graine </translation>
    </message>
    <message>
        <source> new tokens</source>
        <translation> nouveaux jetons</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Générer</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>As loaded</source>
        <translation>Tel que chargé</translation>
    </message>
    <message>
        <source>Under the faders</source>
        <translation>Sous les curseurs</translation>
    </message>
    <message>
        <source>What the model says after a prompt, as loaded (left) and under the current faders (right), token by token as it is made. Each token&apos;s background is the probability the model gave it: green sure, red unsure. Rest the pointer on a token to read its probability.</source>
        <translation>Ce que le modèle dit après une invite, tel que chargé (à gauche) et sous les curseurs actuels (à droite), jeton par jeton à mesure qu’il les produit. Le fond de chaque jeton est la probabilité que le modèle lui a donnée : vert sûr, rouge incertain. Laissez le pointeur sur un jeton pour lire sa probabilité.</translation>
    </message>
    <message>
        <source>Type a prompt or choose a text, then Generate.</source>
        <translation>Tapez une invite ou choisissez un texte, puis Générer.</translation>
    </message>
    <message>
        <source>Under the faders: %1</source>
        <translation>Sous les curseurs : %1</translation>
    </message>
    <message>
        <source>Open a model to generate text.</source>
        <translation>Ouvrez un modèle pour générer du texte.</translation>
    </message>
    <message>
        <source>Typed prompt</source>
        <translation>Invite tapée</translation>
    </message>
    <message>
        <source>Open a model first.</source>
        <translation>Ouvrez d’abord un modèle.</translation>
    </message>
    <message>
        <source>The prompt is empty.</source>
        <translation>L’invite est vide.</translation>
    </message>
    <message>
        <source>%1 is not counted yet; try again in a moment.</source>
        <translation>%1 n’est pas encore compté ; réessayez dans un instant.</translation>
    </message>
    <message>
        <source>Under the faders (as loaded)</source>
        <translation>Sous les curseurs (tel que chargé)</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>Génération en cours</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Génération</translation>
    </message>
    <message>
        <source>Not generated: %1</source>
        <translation>Non généré : %1</translation>
    </message>
    <message numerus="yes">
        <source>Generating after %n prompt token(s)…</source>
        <translation>
            <numerusform>Génération après %n jeton d’invite…</numerusform>
            <numerusform>Génération après %n jetons d’invite…</numerusform>
        </translation>
    </message>
    <message>
        <source>p = %1</source>
        <translation>p = %1</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s), %1 tokens/s, prefill %2 ms, first token shown %3 ms after it</source>
        <translation>
            <numerusform>%n jeton, %1 jetons/s, préremplissage %2 ms, premier jeton affiché %3 ms après</numerusform>
            <numerusform>%n jetons, %1 jetons/s, préremplissage %2 ms, premier jeton affiché %3 ms après</numerusform>
        </translation>
    </message>
    <message>
        <source>As loaded: %1. Under the faders: %2.</source>
        <translation>Tel que chargé : %1. Sous les curseurs : %2.</translation>
    </message>
    <message>
        <source> Stopped.</source>
        <translation> Arrêté.</translation>
    </message>
</context>
<context>
    <name>mscope::GuidedTour</name>
    <message>
        <source>Close the tour</source>
        <translation>Fermer la visite</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Retour</translation>
    </message>
    <message>
        <source>Show Me</source>
        <translation>Montrez-moi</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Suivant</translation>
    </message>
    <message>
        <source>✓ What the window shows now: %1</source>
        <translation>✓ Ce que la fenêtre montre maintenant : %1</translation>
    </message>
    <message>
        <source>… %1</source>
        <translation>… %1</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Terminer</translation>
    </message>
    <message>
        <source>1 of 5 · See the failure</source>
        <translation>1 sur 5 · Voir l’échec</translation>
    </message>
    <message>
        <source>2 of 5 · Look at the spectrum</source>
        <translation>2 sur 5 · Regarder le spectre</translation>
    </message>
    <message>
        <source>3 of 5 · Fix it with one fader</source>
        <translation>3 sur 5 · Corriger avec un curseur</translation>
    </message>
    <message>
        <source>4 of 5 · Calibrate</source>
        <translation>4 sur 5 · Calibrer</translation>
    </message>
    <message>
        <source>5 of 5 · Bake</source>
        <translation>5 sur 5 · Figer</translation>
    </message>
    <message>
        <source>The grey curve in &lt;i&gt;Perplexity vs Context Length&lt;/i&gt; is the model as loaded. Past the orange &lt;i&gt;training %1&lt;/i&gt; line (the shaded area) it climbs: the model fails on contexts longer than it was trained on.</source>
        <translation>La courbe grise de &lt;i&gt;Perplexité selon la longueur du contexte&lt;/i&gt; est le modèle tel que chargé. Au-delà de la ligne orange &lt;i&gt;entraînement %1&lt;/i&gt; (la zone ombrée), elle monte : le modèle échoue sur des contextes plus longs que ceux de son entraînement.</translation>
    </message>
    <message>
        <source>&lt;i&gt;Spectrum&lt;/i&gt; shows every layer&apos;s memory times τ = 1/(Δ̄·α). Modes right of the orange line remember longer than anything seen in training (the column &lt;i&gt;τ &amp;gt; train&lt;/i&gt; gives their share), and &lt;i&gt;State Convergence&lt;/i&gt; shows the states growing past %1 tokens.</source>
        <translation>&lt;i&gt;Spectre&lt;/i&gt; montre les temps de mémoire τ = 1/(Δ̄·α) de chaque couche. Les modes à droite de la ligne orange se souviennent plus longtemps que tout ce qui a été vu à l’entraînement (la colonne &lt;i&gt;τ &amp;gt; entr.&lt;/i&gt; donne leur part), et &lt;i&gt;Convergence de l’état&lt;/i&gt; montre les états qui grandissent au-delà de %1 jetons.</translation>
    </message>
    <message>
        <source>Drag the &lt;b&gt;All&lt;/b&gt; fader in &lt;i&gt;Scaling&lt;/i&gt; (power family) to %1, or press &lt;i&gt;Show Me&lt;/i&gt;. The blue curve recomputes within seconds, from the first changed layer only.</source>
        <translation>Faites glisser le curseur &lt;b&gt;Tous&lt;/b&gt; de &lt;i&gt;Mise à l’échelle&lt;/i&gt; (famille puissance) jusqu’à %1, ou appuyez sur &lt;i&gt;Montrez-moi&lt;/i&gt;. La courbe bleue se recalcule en quelques secondes, à partir de la première couche modifiée seulement.</translation>
    </message>
    <message>
        <source>&lt;i&gt;Calibrate…&lt;/i&gt; (Ctrl+K) starts from the current faders and searches factors (SPSA or coordinate search per layer, or Adam per layer, channel or state) on the ticked calibration texts, never on the evaluation text; it plots the objective, moves the faders as it improves, &lt;i&gt;Stop&lt;/i&gt; keeps the best, and at the end it reports on the texts it did not see.</source>
        <translation>&lt;i&gt;Calibrer…&lt;/i&gt; (Ctrl+K) part des curseurs actuels et cherche des facteurs (SPSA ou recherche par coordonnées par couche, ou Adam par couche, canal ou état) sur les textes de calibration cochés, jamais sur le texte d’évaluation ; il trace l’objectif, déplace les curseurs à mesure qu’il progresse, &lt;i&gt;Arrêter&lt;/i&gt; garde le meilleur, et à la fin il rend compte sur les textes qu’il n’a pas vus.</translation>
    </message>
    <message>
        <source>&lt;i&gt;File ▸ Bake Checkpoint…&lt;/i&gt; (Ctrl+B) writes a new model folder with the factors folded into &lt;code&gt;A_log&lt;/code&gt;: HuggingFace transformers loads it as an ordinary model.</source>
        <translation>&lt;i&gt;Fichier ▸ Figer dans un point de contrôle…&lt;/i&gt; (Ctrl+B) écrit un nouveau dossier de modèle avec les facteurs intégrés à &lt;code&gt;A_log&lt;/code&gt; : HuggingFace transformers le charge comme un modèle ordinaire.</translation>
    </message>
    <message>
        <source>baseline %1 up to %2 tokens, %3 over the last octave (%4–%5).</source>
        <translation>référence %1 jusqu’à %2 jetons, %3 sur la dernière octave (%4–%5).</translation>
    </message>
    <message>
        <source>the baseline is still being computed.</source>
        <translation>la référence est encore en cours de calcul.</translation>
    </message>
    <message>
        <source>the spectrum in τ is still being measured.</source>
        <translation>le spectre en τ est encore en cours de mesure.</translation>
    </message>
    <message>
        <source>τ &gt; train in %1%–%2% of each layer&apos;s modes; the largest state of layer L%3 grows from %4 at %5 tokens to %6 at %7.</source>
        <translation>τ &gt; entr. pour %1 %–%2 % des modes de chaque couche ; le plus grand état de la couche L%3 passe de %4 à %5 jetons à %6 à %7.</translation>
    </message>
    <message>
        <source>All is not at %1 yet.</source>
        <translation>Tous n’est pas encore à %1.</translation>
    </message>
    <message>
        <source>the blue curve is being computed.</source>
        <translation>la courbe bleue est en cours de calcul.</translation>
    </message>
    <message>
        <source>blue %1 over the last octave instead of %2; %3 up to 1k tokens, %4 over %5–%6, %7 over %6–%8: level from there on.</source>
        <translation>bleue %1 sur la dernière octave au lieu de %2 ; %3 jusqu’à 1k jetons, %4 sur %5–%6, %7 sur %6–%8 : plate à partir de là.</translation>
    </message>
    <message>
        <source>no calibration text is ticked in Model &amp; Texts.</source>
        <translation>aucun texte de calibration n’est coché dans Modèle et textes.</translation>
    </message>
    <message>
        <source>Calibrate… is %1; it would fit %2 at %3 tokens.</source>
        <translation>Calibrer… est %1 ; il ajusterait %2 à %3 jetons.</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>prêt</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>occupé</translation>
    </message>
    <message>
        <source>Bake Checkpoint… is enabled for %1.</source>
        <translation>Figer dans un point de contrôle… est activé pour %1.</translation>
    </message>
    <message>
        <source>there is nothing to bake yet (no scaling, or Δ scaling).</source>
        <translation>il n’y a encore rien à figer (aucune mise à l’échelle, ou mise à l’échelle de Δ).</translation>
    </message>
</context>
<context>
    <name>mscope::JobStatusWidget</name>
    <message>
        <source>Stop the running job (Esc)</source>
        <translation>Arrêter la tâche en cours (Échap)</translation>
    </message>
    <message>
        <source>Background work: what runs, its progress and speed in tokens per second.</source>
        <translation>Travail en arrière-plan : ce qui tourne, sa progression et sa vitesse en jetons par seconde.</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 jetons/s</translation>
    </message>
</context>
<context>
    <name>mscope::LayerSpectrumChart</name>
    <message>
        <source>as loaded</source>
        <translation>tel que chargé</translation>
    </message>
    <message>
        <source>scaled</source>
        <translation>mis à l&apos;échelle</translation>
    </message>
    <message>
        <source>% of modes</source>
        <translation>% des modes</translation>
    </message>
    <message>
        <source>Histogram of one layer&apos;s spectrum: how many of its modes have each memory length τ (or decay rate α, or eigenvalue λ). Grey: as loaded; blue: with the current scaling.</source>
        <translation>Histogramme du spectre d&apos;une couche : combien de ses modes ont chaque longueur de mémoire τ (ou taux de décroissance α, ou valeur propre λ). Gris : tel que chargé ; bleu : avec la mise à l&apos;échelle actuelle.</translation>
    </message>
    <message>
        <source> Choose the layer by clicking its row in the heat map above.</source>
        <translation> Choisissez la couche en cliquant sur sa ligne dans la carte thermique ci-dessus.</translation>
    </message>
    <message>
        <source>, log scale</source>
        <translation>, échelle logarithmique</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>Couche %1</translation>
    </message>
    <message>
        <source>Layer spectrum</source>
        <translation>Spectre de la couche</translation>
    </message>
    <message>
        <source>training %1</source>
        <translation>entraînement %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>cible %1</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>▲ %1%</source>
        <translation>▲ %1 %</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Layer %1&lt;/b&gt;, %2 %3&lt;br&gt;as loaded: %4% of modes</source>
        <translation>&lt;b&gt;Couche %1&lt;/b&gt;, %2 %3&lt;br&gt;tel que chargé : %4 % des modes</translation>
    </message>
    <message>
        <source>&lt;br&gt;scaled: %1% of modes</source>
        <translation>&lt;br&gt;mis à l’échelle : %1 % des modes</translation>
    </message>
</context>
<context>
    <name>mscope::LiveEvaluation</name>
    <message>
        <source>not enough memory for the live curve; lower &quot;max tokens&quot; or the cache budget in the settings</source>
        <translation>mémoire insuffisante pour la courbe en direct ; réduisez « Jetons max » ou le budget du cache dans les réglages</translation>
    </message>
</context>
<context>
    <name>mscope::MainWindow</name>
    <message>
        <source>MambaScope</source>
        <translation>MambaScope</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <source>&amp;Open Model…</source>
        <translation>&amp;Ouvrir un modèle…</translation>
    </message>
    <message>
        <source>Open a Mamba model folder (config.json and safetensors)</source>
        <translation>Ouvrir un dossier de modèle Mamba (config.json et safetensors)</translation>
    </message>
    <message>
        <source>Add &amp;Text…</source>
        <translation>Ajouter un &amp;texte…</translation>
    </message>
    <message>
        <source>Ctrl+T</source>
        <translation>Ctrl+T</translation>
    </message>
    <message>
        <source>Add a UTF-8 text file to evaluate or calibrate on</source>
        <translation>Ajouter un fichier texte UTF-8 sur lequel évaluer ou calibrer</translation>
    </message>
    <message>
        <source>&amp;Load Scaling Preset…</source>
        <translation>&amp;Charger un préréglage de mise à l&apos;échelle…</translation>
    </message>
    <message>
        <source>Ctrl+L</source>
        <translation>Ctrl+L</translation>
    </message>
    <message>
        <source>Load a modulation preset (JSON)</source>
        <translation>Charger un préréglage de modulation (JSON)</translation>
    </message>
    <message>
        <source>&amp;Save Scaling Preset…</source>
        <translation>&amp;Enregistrer le préréglage de mise à l&apos;échelle…</translation>
    </message>
    <message>
        <source>Save the current scaling as a preset (JSON)</source>
        <translation>Enregistrer la mise à l&apos;échelle actuelle comme préréglage (JSON)</translation>
    </message>
    <message>
        <source>&amp;Bake Checkpoint…</source>
        <translation>&amp;Figer dans un point de contrôle…</translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation>Ctrl+B</translation>
    </message>
    <message>
        <source>Write a new checkpoint with the current scaling built into A_log</source>
        <translation>Écrire un nouveau point de contrôle avec la mise à l&apos;échelle actuelle intégrée à A_log</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>Quit MambaScope</source>
        <translation>Quitter MambaScope</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Rétablir</translation>
    </message>
    <message>
        <source>Rese&amp;t Scaling</source>
        <translation>Réini&amp;tialiser la mise à l&apos;échelle</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Back to the model as loaded</source>
        <translation>Revenir au modèle tel que chargé</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>Régla&amp;ges…</translation>
    </message>
    <message>
        <source>Threads, chunk size, max tokens, cache</source>
        <translation>Threads, taille des blocs, jetons max, cache</translation>
    </message>
    <message>
        <source>Ctrl+,</source>
        <translation>Ctrl+,</translation>
    </message>
    <message>
        <source>&amp;Recompute Curves</source>
        <translation>&amp;Recalculer les courbes</translation>
    </message>
    <message>
        <source>Compute the curves again</source>
        <translation>Calculer à nouveau les courbes</translation>
    </message>
    <message>
        <source>&amp;Cancel Running Job</source>
        <translation>A&amp;nnuler la tâche en cours</translation>
    </message>
    <message>
        <source>Stop the most recent background job</source>
        <translation>Arrêter la tâche d&apos;arrière-plan la plus récente</translation>
    </message>
    <message>
        <source>&amp;Calibrate…</source>
        <translation>&amp;Calibrer…</translation>
    </message>
    <message>
        <source>Ctrl+K</source>
        <translation>Ctrl+K</translation>
    </message>
    <message>
        <source>Search the per-layer factors automatically (in the background)</source>
        <translation>Chercher automatiquement les facteurs par couche (en arrière-plan)</translation>
    </message>
    <message>
        <source>Stop Calibration</source>
        <translation>Arrêter la calibration</translation>
    </message>
    <message>
        <source>Ctrl+Shift+K</source>
        <translation>Ctrl+Shift+K</translation>
    </message>
    <message>
        <source>Stop and keep the best factors so far</source>
        <translation>Arrêter et garder les meilleurs facteurs trouvés jusqu&apos;ici</translation>
    </message>
    <message>
        <source>&amp;Pin Current Curve</source>
        <translation>É&amp;pingler la courbe actuelle</translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation>Ctrl+P</translation>
    </message>
    <message>
        <source>Keep the current curve on the chart for comparison</source>
        <translation>Garder la courbe actuelle sur le graphique pour comparer</translation>
    </message>
    <message>
        <source>Clear Pinned Curves</source>
        <translation>Effacer les courbes épinglées</translation>
    </message>
    <message>
        <source>Ctrl+Shift+P</source>
        <translation>Ctrl+Shift+P</translation>
    </message>
    <message>
        <source>Remove the pinned curves</source>
        <translation>Retirer les courbes épinglées</translation>
    </message>
    <message>
        <source>&amp;Log Perplexity Axis</source>
        <translation>Axe de perplexité &amp;logarithmique</translation>
    </message>
    <message>
        <source>Ctrl+G</source>
        <translation>Ctrl+G</translation>
    </message>
    <message>
        <source>Perplexity on a log or linear axis</source>
        <translation>Perplexité sur un axe logarithmique ou linéaire</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Épingler</translation>
    </message>
    <message>
        <source>Clear pins</source>
        <translation>Désépingler</translation>
    </message>
    <message>
        <source>Log axis</source>
        <translation>Axe log</translation>
    </message>
    <message>
        <source>Reset &amp;Layout</source>
        <translation>Réinitialiser la &amp;disposition</translation>
    </message>
    <message>
        <source>Put every panel back where it started</source>
        <translation>Remettre chaque panneau à sa place de départ</translation>
    </message>
    <message>
        <source>&amp;About MambaScope</source>
        <translation>À &amp;propos de MambaScope</translation>
    </message>
    <message>
        <source>Version and licences</source>
        <translation>Version et licences</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>À propos de &amp;Qt</translation>
    </message>
    <message>
        <source>About Qt</source>
        <translation>À propos de Qt</translation>
    </message>
    <message>
        <source>Model &amp; Texts</source>
        <translation>Modèle et textes</translation>
    </message>
    <message>
        <source>Perplexity vs Context Length</source>
        <translation>Perplexité selon la longueur de contexte</translation>
    </message>
    <message>
        <source>Spectrum</source>
        <translation>Spectre</translation>
    </message>
    <message>
        <source>Scaling</source>
        <translation>Mise à l&apos;échelle</translation>
    </message>
    <message>
        <source>State Convergence</source>
        <translation>Convergence de l&apos;état</translation>
    </message>
    <message>
        <source>Image (PNG)…</source>
        <translation>Image (PNG)…</translation>
    </message>
    <message>
        <source>Vector Image (SVG)…</source>
        <translation>Image vectorielle (SVG)…</translation>
    </message>
    <message>
        <source>Data (CSV)…</source>
        <translation>Données (CSV)…</translation>
    </message>
    <message>
        <source>Export %1 as %2</source>
        <translation>Exporter « %1 » en %2</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>Open &amp;Recent Model</source>
        <translation>Modèles &amp;récents</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>E&amp;xporter</translation>
    </message>
    <message>
        <source>Perplexity Chart</source>
        <translation>Graphique de perplexité</translation>
    </message>
    <message>
        <source>Spectrum Heat Map</source>
        <translation>Carte thermique du spectre</translation>
    </message>
    <message>
        <source>Layer Spectrum</source>
        <translation>Spectre de la couche</translation>
    </message>
    <message>
        <source>State Norm Chart</source>
        <translation>Graphique des normes d&apos;état</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>Ctrl+Shift+E</source>
        <translation>Ctrl+Shift+E</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>É&amp;dition</translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation>A&amp;nalyse</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aid&amp;e</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principale</translation>
    </message>
    <message>
        <source> Training length: </source>
        <translation> Longueur d&apos;entraînement : </translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> jetons</translation>
    </message>
    <message>
        <source>The context length the model was trained on (orange in every chart): beyond it, Mamba models tend to fail. Guessed from the model folder; correct it here if needed.</source>
        <translation>La longueur de contexte sur laquelle le modèle a été entraîné (en orange dans chaque graphique) : au-delà, les modèles Mamba ont tendance à échouer. Devinée d&apos;après le dossier du modèle ; corrigez-la ici si besoin.</translation>
    </message>
    <message>
        <source>  Target length: </source>
        <translation>  Longueur cible : </translation>
    </message>
    <message>
        <source>The context length you want the model to handle (green): calibration optimizes perplexity there.</source>
        <translation>La longueur de contexte que le modèle doit pouvoir traiter (en vert) : la calibration y optimise la perplexité.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
    <message>
        <source>Cannot open the model</source>
        <translation>Impossible d&apos;ouvrir le modèle</translation>
    </message>
    <message>
        <source>Problem with a text</source>
        <translation>Problème avec un texte</translation>
    </message>
    <message>
        <source>Calibrate</source>
        <translation>Calibrer</translation>
    </message>
    <message>
        <source>Calibration done: perplexity at %1 tokens %2 (from %3)</source>
        <translation>Calibration terminée : perplexité à %1 jetons %2 (au lieu de %3)</translation>
    </message>
    <message>
        <source>Calibration stopped; the sliders keep the best factors found</source>
        <translation>Calibration arrêtée ; les curseurs gardent les meilleurs facteurs trouvés</translation>
    </message>
    <message>
        <source>Calibration failed</source>
        <translation>Échec de la calibration</translation>
    </message>
    <message>
        <source>Checkpoint written to %1</source>
        <translation>Point de contrôle écrit dans %1</translation>
    </message>
    <message>
        <source>Cannot bake the checkpoint</source>
        <translation>Impossible de figer le point de contrôle</translation>
    </message>
    <message>
        <source>Curve not computed: %1</source>
        <translation>Courbe non calculée : %1</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>inchangée</translation>
    </message>
    <message>
        <source>recomputed from layer %1 in %2 s</source>
        <translation>recalculée à partir de la couche %1 en %2 s</translation>
    </message>
    <message>
        <source>computed in %1 s</source>
        <translation>calculée en %1 s</translation>
    </message>
    <message>
        <source> (%1 tokens/s)</source>
        <translation> (%1 jetons/s)</translation>
    </message>
    <message>
        <source>Perplexity over the last octave (%1–%2 tokens): baseline &lt;b&gt;%3&lt;/b&gt; → &lt;b&gt;%4&lt;/b&gt; with %5 · %6</source>
        <translation>Perplexité sur la dernière octave (%1–%2 jetons) : référence &lt;b&gt;%3&lt;/b&gt; → &lt;b&gt;%4&lt;/b&gt; avec %5 · %6</translation>
    </message>
    <message>
        <source>No demo model</source>
        <translation>Pas de modèle de démonstration</translation>
    </message>
    <message>
        <source>The bundled demo model was not found. Set MAMBASCOPE_RESOURCES or open a model folder.</source>
        <translation>Le modèle de démonstration fourni est introuvable. Définissez MAMBASCOPE_RESOURCES ou ouvrez un dossier de modèle.</translation>
    </message>
    <message>
        <source>%1 — MambaScope</source>
        <translation>%1 — MambaScope</translation>
    </message>
    <message numerus="yes">
        <source>Opened %1: %n layer(s), %2 parameters</source>
        <translation>
            <numerusform>%1 ouvert : %n couche, %2 paramètres</numerusform>
            <numerusform>%1 ouvert : %n couches, %2 paramètres</numerusform>
        </translation>
    </message>
    <message>
        <source>Open a model to see its spectrum</source>
        <translation>Ouvrez un modèle pour voir son spectre</translation>
    </message>
    <message>
        <source>Measuring the mean step Δ̄ for τ; showing α meanwhile.</source>
        <translation>Mesure du pas moyen Δ̄ pour τ ; α est affiché en attendant.</translation>
    </message>
    <message>
        <source>τ = 1/(Δ̄·α), Δ̄ measured over %1 tokens in windows of %2.</source>
        <translation>τ = 1/(Δ̄·α), Δ̄ mesuré sur %1 jetons par fenêtres de %2.</translation>
    </message>
    <message numerus="yes">
        <source> (+%n more)</source>
        <translation>
            <numerusform> (+%n autre)</numerusform>
            <numerusform> (+%n autres)</numerusform>
        </translation>
    </message>
    <message>
        <source>Needs a scaling that can be written into A_log (not Δ scaling)</source>
        <translation>Nécessite une mise à l&apos;échelle qui peut être écrite dans A_log (pas celle de Δ)</translation>
    </message>
    <message>
        <source>No model is open.</source>
        <translation>Aucun modèle n&apos;est ouvert.</translation>
    </message>
    <message>
        <source>Load preset %1</source>
        <translation>Charger le préréglage %1</translation>
    </message>
    <message>
        <source>Loaded %1: %2</source>
        <translation>%1 chargé : %2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 enregistré</translation>
    </message>
    <message>
        <source>Load Scaling Preset</source>
        <translation>Charger un préréglage de mise à l&apos;échelle</translation>
    </message>
    <message>
        <source>Scaling presets (*.json);;All files (*)</source>
        <translation>Préréglages de mise à l&apos;échelle (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Cannot load the preset</source>
        <translation>Impossible de charger le préréglage</translation>
    </message>
    <message>
        <source>Save Scaling Preset</source>
        <translation>Enregistrer le préréglage de mise à l&apos;échelle</translation>
    </message>
    <message>
        <source>Scaling presets (*.json)</source>
        <translation>Préréglages de mise à l&apos;échelle (*.json)</translation>
    </message>
    <message>
        <source>Cannot save the preset</source>
        <translation>Impossible d&apos;enregistrer le préréglage</translation>
    </message>
    <message>
        <source>Calibrating: preparing the calibration texts…</source>
        <translation>Calibration : préparation des textes de calibration…</translation>
    </message>
    <message>
        <source>Bake Checkpoint into a New Folder</source>
        <translation>Figer le point de contrôle dans un nouveau dossier</translation>
    </message>
    <message>
        <source>Add Texts</source>
        <translation>Ajouter des textes</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Fichiers texte (*.txt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>&amp;System Default (%1)</source>
        <translation>Langue du &amp;système (%1)</translation>
    </message>
    <message>
        <source>The language of the interface; it changes at the next start</source>
        <translation>La langue de l&apos;interface ; elle change au prochain démarrage</translation>
    </message>
    <message>
        <source>Language: %1</source>
        <translation>Langue : %1</translation>
    </message>
    <message>
        <source>The interface will be in %1 from the next start of MambaScope.</source>
        <translation>L&apos;interface sera en %1 à partir du prochain démarrage de MambaScope.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Images PNG (*.png)</translation>
    </message>
    <message>
        <source>SVG images (*.svg)</source>
        <translation>Images SVG (*.svg)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 exporté</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>Impossible d&apos;exporter</translation>
    </message>
    <message>
        <source>Lan&amp;guage</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <source>Export as &amp;GGUF…</source>
        <translation>Exporter en &amp;GGUF…</translation>
    </message>
    <message>
        <source>Write one GGUF file that llama.cpp runs, the current scaling folded into A</source>
        <translation>Écrire un fichier GGUF que llama.cpp exécute, la mise à l’échelle actuelle intégrée à A</translation>
    </message>
    <message>
        <source>Perplexity &amp;Relative to Baseline</source>
        <translation>Perplexité &amp;relative à la référence</translation>
    </message>
    <message>
        <source>Ctrl+Shift+G</source>
        <translation>Ctrl+Shift+G</translation>
    </message>
    <message>
        <source>Every curve divided by the baseline, bucket by bucket (1 = no change)</source>
        <translation>Chaque courbe divisée par la référence, tranche par tranche (1 = aucun changement)</translation>
    </message>
    <message>
        <source>÷ baseline</source>
        <translation>÷ référence</translation>
    </message>
    <message>
        <source>&amp;Presentation Mode</source>
        <translation>Mode &amp;présentation</translation>
    </message>
    <message>
        <source>Ctrl+Shift+F</source>
        <translation>Ctrl+Shift+F</translation>
    </message>
    <message>
        <source>Larger fonts everywhere, for projectors</source>
        <translation>Polices plus grandes partout, pour les projecteurs</translation>
    </message>
    <message>
        <source>Save Session &amp;Report…</source>
        <translation>Enregistrer le &amp;rapport de session…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>One HTML file with every chart, the settings and the numbers</source>
        <translation>Un fichier HTML avec chaque graphique, les réglages et les nombres</translation>
    </message>
    <message>
        <source>&amp;User Guide</source>
        <translation>&amp;Guide de l’utilisateur</translation>
    </message>
    <message>
        <source>Open the user guide</source>
        <translation>Ouvrir le guide de l’utilisateur</translation>
    </message>
    <message>
        <source>Guided &amp;Tour</source>
        <translation>&amp;Visite guidée</translation>
    </message>
    <message>
        <source>The five steps of the walkthrough, on this window</source>
        <translation>Les cinq étapes du parcours, dans cette fenêtre</translation>
    </message>
    <message>
        <source>Show or hide the %1 panel</source>
        <translation>Afficher ou masquer le panneau %1</translation>
    </message>
    <message>
        <source>Alt+%1</source>
        <translation>Alt+%1</translation>
    </message>
    <message>
        <source>Comparisons</source>
        <translation>Comparaisons</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>Sensibilité</translation>
    </message>
    <message>
        <source>Retrieval</source>
        <translation>Récupération</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Génération</translation>
    </message>
    <message>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <source>Sensitivity Heat Map</source>
        <translation>Carte de sensibilité</translation>
    </message>
    <message>
        <source>Factor Sweep</source>
        <translation>Balayage du facteur</translation>
    </message>
    <message>
        <source>Perplexity on Several Texts</source>
        <translation>Perplexité sur plusieurs textes</translation>
    </message>
    <message>
        <source>Retrieval, as Loaded</source>
        <translation>Récupération, tel que chargé</translation>
    </message>
    <message>
        <source>Retrieval, under the Faders</source>
        <translation>Récupération, sous les curseurs</translation>
    </message>
    <message>
        <source>Presentation mode: larger fonts (Ctrl+Shift+F to leave)</source>
        <translation>Mode présentation : polices plus grandes (Ctrl+Shift+F pour en sortir)</translation>
    </message>
    <message>
        <source>Presentation mode off</source>
        <translation>Mode présentation désactivé</translation>
    </message>
    <message>
        <source>User guide</source>
        <translation>Guide de l’utilisateur</translation>
    </message>
    <message>
        <source>The user guide (docs/user-guide.md) was not found beside the program. Set MAMBASCOPE_DOCS to the folder that holds it.</source>
        <translation>Le guide de l’utilisateur (docs/user-guide.md) est introuvable à côté du programme. Donnez à MAMBASCOPE_DOCS le dossier qui le contient.</translation>
    </message>
    <message>
        <source>No program to open %1 was found; open it in a text editor or browser.</source>
        <translation>Aucun programme pour ouvrir %1 n’a été trouvé ; ouvrez-le dans un éditeur de texte ou un navigateur.</translation>
    </message>
    <message numerus="yes">
        <source>Sweeping %1 over %n factor(s)…</source>
        <translation>
            <numerusform>Balayage de %1 sur %n facteur…</numerusform>
            <numerusform>Balayage de %1 sur %n facteurs…</numerusform>
        </translation>
    </message>
    <message>
        <source>Computing %1 and the baseline on the test texts…</source>
        <translation>Calcul de %1 et de la référence sur les textes de test…</translation>
    </message>
    <message>
        <source>%1: lowest at the target length with All = %2 (%3; %4 at the training length).</source>
        <translation>%1 : le plus bas à la longueur cible avec Tous = %2 (%3 ; %4 à la longueur d’entraînement).</translation>
    </message>
    <message>
        <source>%1 against the model as loaded on %2.</source>
        <translation>%1 face au modèle tel que chargé sur %2.</translation>
    </message>
    <message>
        <source>Cannot compare</source>
        <translation>Comparaison impossible</translation>
    </message>
    <message>
        <source>Updating the curve for %1…</source>
        <translation>Mise à jour de la courbe pour %1…</translation>
    </message>
    <message>
        <source>Needs a scaling that can be folded into A (not Δ scaling)</source>
        <translation>Demande une mise à l’échelle intégrable à A (pas une mise à l’échelle de Δ)</translation>
    </message>
    <message>
        <source>Calibrating: %1 of %2 forward passes · %3 · best %4 %5 (start %6)</source>
        <translation>Calibration : %1 passes avant sur %2 · %3 · meilleure %4 %5 (départ %6)</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>perplexité</translation>
    </message>
    <message>
        <source>Export as GGUF for llama.cpp</source>
        <translation>Exporter en GGUF pour llama.cpp</translation>
    </message>
    <message>
        <source>GGUF files (*.gguf)</source>
        <translation>Fichiers GGUF (*.gguf)</translation>
    </message>
    <message>
        <source>Export as GGUF</source>
        <translation>Exporter en GGUF</translation>
    </message>
    <message>
        <source>Storage of the matrices (f32 keeps every bit; f16, bf16 and q8_0 are smaller):</source>
        <translation>Stockage des matrices (f32 garde chaque bit ; f16, bf16 et q8_0 sont plus petits) :</translation>
    </message>
    <message>
        <source>Open Model</source>
        <translation>Ouvrir un modèle</translation>
    </message>
    <message>
        <source>Models (config.json *.safetensors *.gguf);;All files (*)</source>
        <translation>Modèles (config.json *.safetensors *.gguf);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>streaming (one pass, state carried)</source>
        <translation>en flux (une passe, état conservé)</translation>
    </message>
    <message>
        <source>fixed windows of %1 tokens</source>
        <translation>fenêtres fixes de %1 jetons</translation>
    </message>
    <message>
        <source>MambaScope %1 · model %2 (%3 layers) · evaluated on %4, first %5 tokens, %6 · training length %7, target length %8 · scaling: %9</source>
        <translation>MambaScope %1 · modèle %2 (%3 couches) · évalué sur %4, %5 premiers jetons, %6 · longueur d’entraînement %7, longueur cible %8 · mise à l’échelle : %9</translation>
    </message>
    <message>
        <source> (factors per layer, L0 first: %1)</source>
        <translation> (facteurs par couche, L0 d’abord : %1)</translation>
    </message>
    <message>
        <source> · calibration texts: %1</source>
        <translation> · textes de calibration : %1</translation>
    </message>
    <message>
        <source> · pinned: %1</source>
        <translation> · épinglées : %1</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>Documents PDF (*.pdf)</translation>
    </message>
    <message>
        <source>MambaScope session report</source>
        <translation>Rapport de session MambaScope</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>Perplexité</translation>
    </message>
    <message>
        <source>Last octave</source>
        <translation>Dernière octave</translation>
    </message>
    <message>
        <source>%1–%2 tokens</source>
        <translation>%1–%2 jetons</translation>
    </message>
    <message>
        <source>Baseline (as loaded)</source>
        <translation>Référence (tel que chargé)</translation>
    </message>
    <message>
        <source>Current: %1</source>
        <translation>Actuelle : %1</translation>
    </message>
    <message>
        <source>Perplexity against context length</source>
        <translation>Perplexité selon la longueur du contexte</translation>
    </message>
    <message>
        <source>Spectrum per layer</source>
        <translation>Spectre par couche</translation>
    </message>
    <message>
        <source>Layer spectrum</source>
        <translation>Spectre d’une couche</translation>
    </message>
    <message>
        <source>State convergence</source>
        <translation>Convergence de l’état</translation>
    </message>
    <message>
        <source>State norms</source>
        <translation>Normes de l’état</translation>
    </message>
    <message>
        <source>Perplexity by position (CSV)</source>
        <translation>Perplexité par position (CSV)</translation>
    </message>
    <message>
        <source>Report written to %1</source>
        <translation>Rapport écrit dans %1</translation>
    </message>
    <message>
        <source>Save Session Report</source>
        <translation>Enregistrer le rapport de session</translation>
    </message>
    <message>
        <source>HTML files (*.html)</source>
        <translation>Fichiers HTML (*.html)</translation>
    </message>
    <message>
        <source>Cannot write the report</source>
        <translation>Impossible d’écrire le rapport</translation>
    </message>
</context>
<context>
    <name>mscope::ModelPanel</name>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Aucun modèle</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Ouvrir…</translation>
    </message>
    <message>
        <source>Open a model folder (config.json + *.safetensors). You can also drop a folder on the window.</source>
        <translation>Ouvrir un dossier de modèle (config.json + *.safetensors). Vous pouvez aussi déposer un dossier sur la fenêtre.</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>Récents</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>Architecture :</translation>
    </message>
    <message>
        <source>Widths:</source>
        <translation>Largeurs :</translation>
    </message>
    <message>
        <source>Other:</source>
        <translation>Autres :</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>Paramètres :</translation>
    </message>
    <message>
        <source>Weights:</source>
        <translation>Poids :</translation>
    </message>
    <message>
        <source>Tokenizer:</source>
        <translation>Tokeniseur :</translation>
    </message>
    <message>
        <source>Texts</source>
        <translation>Textes</translation>
    </message>
    <message>
        <source>&amp;Evaluate on:</source>
        <translation>&amp;Évaluer sur :</translation>
    </message>
    <message>
        <source>The text the perplexity and state curves are computed on.</source>
        <translation>Le texte sur lequel les courbes de perplexité et d&apos;état sont calculées.</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Jetons</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Usage</translation>
    </message>
    <message>
        <source>Tick the texts calibration may use. Calibration never uses the evaluation text, so the curves stay an honest test.</source>
        <translation>Cochez les textes que la calibration peut utiliser. La calibration n&apos;utilise jamais le texte d&apos;évaluation, pour que les courbes restent un test honnête.</translation>
    </message>
    <message>
        <source>Add text…</source>
        <translation>Ajouter un texte…</translation>
    </message>
    <message>
        <source>Add a UTF-8 text file (or drop .txt files on the window).</source>
        <translation>Ajouter un fichier texte UTF-8 (ou déposer des fichiers .txt sur la fenêtre).</translation>
    </message>
    <message>
        <source>How to read the workbench</source>
        <translation>Comment lire l&apos;atelier</translation>
    </message>
    <message>
        <source>The model being studied and the texts it is run on. The evaluation text gives the curves; the ticked texts are what calibration may fit the scaling factors to.</source>
        <translation>Le modèle étudié et les textes sur lesquels il tourne. Le texte d&apos;évaluation donne les courbes ; les textes cochés sont ceux sur lesquels la calibration peut ajuster les facteurs d&apos;échelle.</translation>
    </message>
    <message numerus="yes">
        <source>Mamba-2, %n layer(s)</source>
        <translation>
            <numerusform>Mamba-2, %n couche</numerusform>
            <numerusform>Mamba-2, %n couches</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mamba-1, %n layer(s)</source>
        <translation>
            <numerusform>Mamba-1, %n couche</numerusform>
            <numerusform>Mamba-1, %n couches</numerusform>
        </translation>
    </message>
    <message>
        <source>d_model %1 · d_inner %2 · d_state %3</source>
        <translation>d_model %1 · d_inner %2 · d_state %3</translation>
    </message>
    <message>
        <source>conv %1 · dt rank %2 · vocabulary %3</source>
        <translation>conv %1 · rang dt %2 · vocabulaire %3</translation>
    </message>
    <message>
        <source>%1 billion</source>
        <translation>%1 milliards</translation>
    </message>
    <message>
        <source>%1 million</source>
        <translation>%1 millions</translation>
    </message>
    <message>
        <source>%1 on disk, fp32 in memory%2</source>
        <translation>%1 sur disque, fp32 en mémoire%2</translation>
    </message>
    <message>
        <source>, tied LM head</source>
        <translation>, tête LM liée</translation>
    </message>
    <message>
        <source>GPT-NeoX (bundled; none beside the weights)</source>
        <translation>GPT-NeoX (fourni ; aucun à côté des poids)</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
    <message>
        <source> (bundled, public domain)</source>
        <translation> (fourni, domaine public)</translation>
    </message>
    <message>
        <source>both (!)</source>
        <translation>les deux (!)</translation>
    </message>
    <message>
        <source>evaluation</source>
        <translation>évaluation</translation>
    </message>
    <message>
        <source>calibration</source>
        <translation>calibration</translation>
    </message>
    <message>
        <source>Calibration skips the evaluation text.</source>
        <translation>La calibration ignore le texte d&apos;évaluation.</translation>
    </message>
    <message>
        <source>%1 heads × %2 · %3 group(s) · conv %4 · vocabulary %5</source>
        <translation>%1 têtes × %2 · %3 groupe(s) · conv %4 · vocabulaire %5</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Perplexity&lt;/b&gt;: how surprised the model is by each next token, against how far into the text it is. Past the &lt;span style=&apos;color:#d95f02&apos;&gt;training length&lt;/span&gt; the grey curve climbs: the model fails on contexts longer than it was trained on.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Spectrum&lt;/b&gt;: every layer&apos;s memory times τ. Modes that remember longer than the training length make the state grow where the model never saw it grow (&lt;b&gt;State convergence&lt;/b&gt;).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Scaling&lt;/b&gt;: drag a fader to shorten those memories in one layer, or the &lt;b&gt;All&lt;/b&gt; fader for every layer; the blue curves follow within a second or two. &lt;b&gt;Calibrate…&lt;/b&gt; searches the factors for you.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Perplexité&lt;/b&gt; : la surprise du modèle devant chaque jeton suivant, selon sa position dans le texte. Au-delà de la &lt;span style=&apos;color:#d95f02&apos;&gt;longueur d’entraînement&lt;/span&gt;, la courbe grise monte : le modèle échoue sur des contextes plus longs que ceux de son entraînement.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Spectre&lt;/b&gt; : les temps de mémoire τ de chaque couche. Les modes qui se souviennent plus longtemps que la longueur d’entraînement font grandir l’état là où le modèle ne l’a jamais vu grandir (&lt;b&gt;Convergence de l’état&lt;/b&gt;).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Mise à l’échelle&lt;/b&gt; : faites glisser un curseur pour raccourcir ces mémoires dans une couche, ou le curseur &lt;b&gt;Tous&lt;/b&gt; pour toutes les couches ; les courbes bleues suivent en une seconde ou deux. &lt;b&gt;Calibrer…&lt;/b&gt; cherche les facteurs pour vous.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>mscope::ModulationEditor</name>
    <message>
        <source>as loaded</source>
        <translation>tel que chargé</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1, then %2</source>
        <translation>%1, puis %2</translation>
    </message>
    <message>
        <source>Set layer %1 to %2</source>
        <translation>Régler la couche %1 sur %2</translation>
    </message>
    <message>
        <source>Set all layers to %1</source>
        <translation>Régler toutes les couches sur %1</translation>
    </message>
    <message>
        <source>Switch to %1 scaling</source>
        <translation>Passer à la mise à l&apos;échelle %1</translation>
    </message>
    <message>
        <source>Reset scaling</source>
        <translation>Réinitialiser la mise à l&apos;échelle</translation>
    </message>
    <message>
        <source>the preset has %1 layer factors, the model has %2 layers</source>
        <translation>le préréglage a %1 facteurs de couche, le modèle a %2 couches</translation>
    </message>
    <message>
        <source>%1 per channel, layer means %2–%3</source>
        <translation>%1 par canal, moyennes par couche %2–%3</translation>
    </message>
    <message>
        <source>%1 per state, layer means %2–%3</source>
        <translation>%1 par état, moyennes par couche %2–%3</translation>
    </message>
    <message>
        <source>%1 per layer %2–%3</source>
        <translation>%1 par couche %2–%3</translation>
    </message>
</context>
<context>
    <name>mscope::PasskeyHeatmap</name>
    <message>
        <source>%1 tokens, depth %2 %: %3</source>
        <translation>%1 jetons, profondeur %2 % : %3</translation>
    </message>
</context>
<context>
    <name>mscope::PerplexityChart</name>
    <message>
        <source>Position in the text (tokens of context)</source>
        <translation>Position dans le texte (jetons de contexte)</translation>
    </message>
    <message>
        <source>beyond the training length</source>
        <translation>au-delà de la longueur d&apos;entraînement</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>référence</translation>
    </message>
    <message>
        <source>Perplexity (log scale)</source>
        <translation>Perplexité (échelle logarithmique)</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>Perplexité</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>current scaling</source>
        <translation>mise à l&apos;échelle actuelle</translation>
    </message>
    <message>
        <source>Perplexity against context length</source>
        <translation>Perplexité selon la longueur de contexte</translation>
    </message>
    <message>
        <source>Position in %1 (tokens of context; %2)</source>
        <translation>Position dans %1 (jetons de contexte ; %2)</translation>
    </message>
    <message>
        <source>training %1</source>
        <translation>entraînement %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>cible %1</translation>
    </message>
    <message>
        <source>Perplexity of the next token against its position in the text, averaged over log-spaced position buckets. A curve that climbs past the training length (shaded) is the length-generalization failure; spectrum scaling flattens it. Grey: the model as loaded. Blue: the current scaling, recomputed each time a slider moves. Pinned curves keep earlier settings for comparison. Rest the pointer on the chart for the values under it; wheel zooms, drag pans, double-click resets.</source>
        <translation>Perplexité du jeton suivant selon sa position dans le texte, moyennée sur des tranches de positions espacées logarithmiquement. Une courbe qui monte au-delà de la longueur d’entraînement (ombrée) est l’échec de généralisation en longueur ; la mise à l’échelle du spectre l’aplatit. Gris : le modèle tel que chargé. Bleu : la mise à l’échelle actuelle, recalculée à chaque mouvement de curseur. Les courbes épinglées gardent des réglages antérieurs pour comparer. Laissez le pointeur sur le graphique pour les valeurs dessous ; la molette zoome, glisser déplace, un double-clic réinitialise.</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>n° %1 %2</translation>
    </message>
    <message>
        <source>baseline (as loaded)</source>
        <translation>référence (tel que chargé)</translation>
    </message>
    <message>
        <source>now: %1 (updating…)</source>
        <translation>maintenant : %1 (mise à jour…)</translation>
    </message>
    <message>
        <source>now: %1</source>
        <translation>maintenant : %1</translation>
    </message>
    <message>
        <source>Perplexity relative to the baseline</source>
        <translation>Perplexité relative à la référence</translation>
    </message>
    <message>
        <source>%1 · legend: perplexity at %2–%3</source>
        <translation>%1 · légende : perplexité à %2–%3</translation>
    </message>
    <message>
        <source>Perplexity ÷ baseline</source>
        <translation>Perplexité ÷ référence</translation>
    </message>
    <message>
        <source>Perplexity vs context</source>
        <translation>Perplexité selon le contexte</translation>
    </message>
    <message>
        <source>Position in %1 (tokens)</source>
        <translation>Position dans %1 (jetons)</translation>
    </message>
    <message>
        <source>Position (tokens)</source>
        <translation>Position (jetons)</translation>
    </message>
    <message>
        <source>Perplexity ÷ baseline (log scale)</source>
        <translation>Perplexité ÷ référence (échelle log)</translation>
    </message>
    <message>
        <source>÷ baseline</source>
        <translation>÷ référence</translation>
    </message>
    <message>
        <source>&lt;b&gt;positions %1–%2&lt;/b&gt; (%3 tokens)</source>
        <translation>&lt;b&gt;positions %1–%2&lt;/b&gt; (%3 jetons)</translation>
    </message>
    <message>
        <source> (×%1)</source>
        <translation> (×%1)</translation>
    </message>
    <message>
        <source>current</source>
        <translation>actuelle</translation>
    </message>
    <message>
        <source>&lt;br&gt;cursor: %1 tokens, %2 %3</source>
        <translation>&lt;br&gt;curseur : %1 jetons, %2 %3</translation>
    </message>
    <message>
        <source>ratio</source>
        <translation>rapport</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>perplexité</translation>
    </message>
</context>
<context>
    <name>mscope::PerplexityPanel</name>
    <message>
        <source>Streaming (one pass, state carried)</source>
        <translation>Flux (une passe, état conservé)</translation>
    </message>
    <message>
        <source>Fixed windows (fresh state each)</source>
        <translation>Fenêtres fixes (état neuf pour chacune)</translation>
    </message>
    <message>
        <source>Streaming: one pass over the text with the state carried along, perplexity per position. Fixed windows: the paper&apos;s protocol, the text cut into windows that each start from an empty state, averaged.</source>
        <translation>Flux : une seule passe sur le texte en conservant l&apos;état, perplexité par position. Fenêtres fixes : le protocole de l&apos;article, le texte découpé en fenêtres qui partent chacune d&apos;un état vide, puis moyennées.</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> jetons</translation>
    </message>
    <message>
        <source>Window length of the fixed-window protocol.</source>
        <translation>Longueur des fenêtres du protocole à fenêtres fixes.</translation>
    </message>
    <message>
        <source>Protocol:</source>
        <translation>Protocole :</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>Perplexité</translation>
    </message>
</context>
<context>
    <name>mscope::RetrievalPanel</name>
    <message>
        <source>Prompt lengths in tokens, separated by commas</source>
        <translation>Longueurs des invites en jetons, séparées par des virgules</translation>
    </message>
    <message>
        <source>Random keys per cell (the same keys in every cell)</source>
        <translation>Clés aléatoires par case (les mêmes clés dans chaque case)</translation>
    </message>
    <message>
        <source>Key NLL</source>
        <translation>NLL de la clé</translation>
    </message>
    <message>
        <source>Show the mean NLL of the key&apos;s tokens (nats per token; smooth where accuracy is all or nothing) instead of the accuracy</source>
        <translation>Montrer la NLL moyenne des jetons de la clé (nats par jeton ; continue là où l’exactitude est tout ou rien) au lieu de l’exactitude</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>Calculer</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Lengths:</source>
        <translation>Longueurs :</translation>
    </message>
    <message>
        <source>Keys:</source>
        <translation>Clés :</translation>
    </message>
    <message>
        <source>As loaded</source>
        <translation>Tel que chargé</translation>
    </message>
    <message>
        <source>Under the faders</source>
        <translation>Sous les curseurs</translation>
    </message>
    <message>
        <source>Passkey retrieval: a five-digit key hidden at a depth of a prompt of a given length, then asked for. Each cell is the fraction of keys the model repeats exactly (or the key&apos;s mean NLL), the model as loaded on the left and under the current faders on the right. Rest the pointer on a cell to see the prompt around the key and the answers.</source>
        <translation>Récupération de passkey : une clé à cinq chiffres cachée à une profondeur d’une invite de longueur donnée, puis demandée. Chaque case est la part des clés que le modèle répète exactement (ou la NLL moyenne de la clé), le modèle tel que chargé à gauche et sous les curseurs actuels à droite. Laissez le pointeur sur une case pour voir l’invite autour de la clé et les réponses.</translation>
    </message>
    <message>
        <source>Open a model to test passkey retrieval.</source>
        <translation>Ouvrez un modèle pour tester la récupération de passkey.</translation>
    </message>
    <message>
        <source>Passkey retrieval of %1: computed when this panel is shown.</source>
        <translation>Récupération de passkey de %1 : calculée quand ce panneau est affiché.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Arrêté.</translation>
    </message>
    <message>
        <source>Under the faders (as loaded)</source>
        <translation>Sous les curseurs (tel que chargé)</translation>
    </message>
    <message>
        <source>Under the faders: %1</source>
        <translation>Sous les curseurs : %1</translation>
    </message>
    <message>
        <source>The faders are at the model as loaded: the same grid on both sides.</source>
        <translation>Les curseurs sont au modèle tel que chargé : la même grille des deux côtés.</translation>
    </message>
    <message>
        <source>Passkey retrieval</source>
        <translation>Récupération de passkey</translation>
    </message>
    <message>
        <source>Not computed: %1</source>
        <translation>Non calculé : %1</translation>
    </message>
    <message numerus="yes">
        <source>Computing %n key(s) per cell…</source>
        <translation>
            <numerusform>Calcul de %n clé par case…</numerusform>
            <numerusform>Calcul de %n clés par case…</numerusform>
        </translation>
    </message>
    <message>
        <source>Not computed yet</source>
        <translation>Pas encore calculé</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 tokens, key at %2 %&lt;/b&gt; — %3 of %4 right, key NLL %5</source>
        <translation>&lt;b&gt;%1 jetons, clé à %2 %&lt;/b&gt; — %3 sur %4 justes, NLL de la clé %5</translation>
    </message>
    <message>
        <source>Token %1 of %2:</source>
        <translation>Jeton %1 sur %2 :</translation>
    </message>
    <message>
        <source>%1 key %2: said “%3” (NLL %4)&lt;br&gt;</source>
        <translation>%1 clé %2 : a dit « %3 » (NLL %4)&lt;br&gt;</translation>
    </message>
    <message numerus="yes">
        <source>Mean accuracy over the grid: %1 as loaded, %2 under the faders (%3; %n key(s) per cell).</source>
        <translation>
            <numerusform>Exactitude moyenne sur la grille : %1 tel que chargé, %2 sous les curseurs (%3 ; %n clé par case).</numerusform>
            <numerusform>Exactitude moyenne sur la grille : %1 tel que chargé, %2 sous les curseurs (%3 ; %n clés par case).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mscope::ScalingPanel</name>
    <message>
        <source>Power  α&apos; = α^s</source>
        <translation>Puissance  α&apos; = α^s</translation>
    </message>
    <message>
        <source>Linear  α&apos; = s·α</source>
        <translation>Linéaire  α&apos; = s·α</translation>
    </message>
    <message>
        <source>Δ scaling  Δ&apos; = s·Δ</source>
        <translation>Échelle de Δ  Δ&apos; = s·Δ</translation>
    </message>
    <message>
        <source>Winsorize λ at q</source>
        <translation>Winsoriser λ à q</translation>
    </message>
    <message>
        <source>Cap τ at c·L_train</source>
        <translation>Plafonner τ à c·L_train</translation>
    </message>
    <message>
        <source>&amp;Family:</source>
        <translation>&amp;Famille :</translation>
    </message>
    <message>
        <source>How the sliders change each layer&apos;s state transition.</source>
        <translation>Comment les curseurs modifient la transition d&apos;état de chaque couche.</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Toutes</translation>
    </message>
    <message>
        <source>Master fader: sets every layer to the same factor.</source>
        <translation>Curseur maître : règle toutes les couches sur le même facteur.</translation>
    </message>
    <message>
        <source>Scaling console: one fader per layer sets how strongly that layer&apos;s spectrum is rescaled; the master fader sets them all. The curves recompute as you move.</source>
        <translation>Console de mise à l&apos;échelle : un curseur par couche règle l&apos;intensité de la mise à l&apos;échelle de son spectre ; le curseur maître les règle toutes. Les courbes se recalculent pendant le mouvement.</translation>
    </message>
    <message>
        <source> Type exact values under the faders; Undo/Redo step through every change; Calibrate searches the factors automatically.</source>
        <translation> Saisissez des valeurs exactes sous les curseurs ; Annuler/Rétablir parcourent chaque modification ; Calibrer cherche les facteurs automatiquement.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Réinitialiser</translation>
    </message>
    <message>
        <source>Load…</source>
        <translation>Charger…</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Enregistrer…</translation>
    </message>
    <message>
        <source>Calibrate…</source>
        <translation>Calibrer…</translation>
    </message>
    <message>
        <source>L%1</source>
        <translation>L%1</translation>
    </message>
    <message>
        <source>All (mixed)</source>
        <translation>Toutes (mixte)</translation>
    </message>
    <message>
        <source>Also applied, from the loaded preset (the faders act on top): %1. Reset removes it.</source>
        <translation>Également appliqué, depuis le préréglage chargé (les curseurs agissent par-dessus) : %1. Réinitialiser le retire.</translation>
    </message>
</context>
<context>
    <name>mscope::SensitivityMap</name>
    <message>
        <source>fewer than %1 tokens for a window</source>
        <translation>moins de %1 jetons pour une fenêtre</translation>
    </message>
</context>
<context>
    <name>mscope::SensitivityPanel</name>
    <message>
        <source> tokens</source>
        <translation> jetons</translation>
    </message>
    <message>
        <source>Length of each window of the calibration text the objective is measured on (each from a fresh state): the gradient says what helps at this context length</source>
        <translation>Longueur de chaque fenêtre du texte de calibration sur laquelle l’objectif est mesuré (chacune depuis un état neuf) : le gradient dit ce qui aide à cette longueur de contexte</translation>
    </message>
    <message>
        <source>× </source>
        <translation>× </translation>
    </message>
    <message>
        <source>Number of windows, spread over the calibration text</source>
        <translation>Nombre de fenêtres, réparties sur le texte de calibration</translation>
    </message>
    <message>
        <source>Decay rate α</source>
        <translation>Taux de décroissance α</translation>
    </message>
    <message>
        <source>Step Δ</source>
        <translation>Pas Δ</translation>
    </message>
    <message>
        <source>Decay rate: dJ/d log α summed over the channel&apos;s states. Step: dJ/d log s for a multiplier s on the channel&apos;s Δ.</source>
        <translation>Taux de décroissance : dJ/d log α sommé sur les états du canal. Pas : dJ/d log s pour un multiplicateur s du Δ du canal.</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>Calculer</translation>
    </message>
    <message>
        <source>The gradient of the perplexity at the current faders, by backpropagation (about four forward passes&apos; worth of work)</source>
        <translation>Le gradient de la perplexité aux curseurs actuels, par rétropropagation (le travail d’environ quatre passes avant)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>&amp;Window:</source>
        <translation>&amp;Fenêtre :</translation>
    </message>
    <message>
        <source>Sensitivity of perplexity per layer and channel</source>
        <translation>Sensibilité de la perplexité par couche et canal</translation>
    </message>
    <message>
        <source>Press Compute: the gradient of the perplexity on the calibration text, per layer and channel, at the current faders.</source>
        <translation>Appuyez sur Calculer : le gradient de la perplexité sur le texte de calibration, par couche et canal, aux curseurs actuels.</translation>
    </message>
    <message>
        <source>Each row is a layer, each column a channel (a head in Mamba-2). Blue: the perplexity falls if that channel&apos;s modes decay faster (shorter memory); red: if they decay slower (longer memory). The value is the derivative of the mean negative log-likelihood J with respect to log α summed over the channel&apos;s states (or to the log of a multiplier on Δ).</source>
        <translation>Chaque ligne est une couche, chaque colonne un canal (une tête dans Mamba-2). Bleu : la perplexité baisse si les modes de ce canal décroissent plus vite (mémoire plus courte) ; rouge : s’ils décroissent plus lentement (mémoire plus longue). La valeur est la dérivée de la log-vraisemblance négative moyenne J par rapport à log α sommée sur les états du canal (ou au log d’un multiplicateur de Δ).</translation>
    </message>
    <message>
        <source>Tick a calibration text other than the evaluation text in the Model &amp; texts panel.</source>
        <translation>Cochez un texte de calibration autre que le texte d’évaluation dans le panneau Modèle et textes.</translation>
    </message>
    <message>
        <source>Sensitivity on %1</source>
        <translation>Sensibilité sur %1</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>Sensibilité</translation>
    </message>
    <message>
        <source>Stopped; the map shows the last result.</source>
        <translation>Arrêté ; la carte montre le dernier résultat.</translation>
    </message>
    <message>
        <source>head</source>
        <translation>tête</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>canal</translation>
    </message>
    <message>
        <source>L</source>
        <translation>L</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>couche</translation>
    </message>
    <message>
        <source>dJ/d log α</source>
        <translation>dJ/d log α</translation>
    </message>
    <message>
        <source>J falls if these modes decay faster</source>
        <translation>J baisse si ces modes décroissent plus vite</translation>
    </message>
    <message>
        <source>J falls if they decay slower</source>
        <translation>J baisse s’ils décroissent plus lentement</translation>
    </message>
    <message>
        <source>dJ/d log s_Δ</source>
        <translation>dJ/d log s_Δ</translation>
    </message>
    <message>
        <source>J falls with a larger step Δ</source>
        <translation>J baisse avec un pas Δ plus grand</translation>
    </message>
    <message>
        <source>J falls with a smaller step Δ</source>
        <translation>J baisse avec un pas Δ plus petit</translation>
    </message>
    <message>
        <source>Sensitivity of perplexity per layer and head</source>
        <translation>Sensibilité de la perplexité par couche et tête</translation>
    </message>
    <message>
        <source>Computing in the background (progress in the status bar)…</source>
        <translation>Calcul en arrière-plan (progression dans la barre d’état)…</translation>
    </message>
    <message>
        <source>J = %1 nats per token (perplexity %2) over %3 window(s) of %4 tokens of %5, at %6; %7 s.</source>
        <translation>J = %1 nats par jeton (perplexité %2) sur %3 fenêtre(s) de %4 jetons de %5, à %6 ; %7 s.</translation>
    </message>
    <message>
        <source>The faders moved since: press Compute for the map at the new setting.</source>
        <translation>Les curseurs ont bougé depuis : appuyez sur Calculer pour la carte au nouveau réglage.</translation>
    </message>
</context>
<context>
    <name>mscope::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Réglages</translation>
    </message>
    <message>
        <source>all cores (%1)</source>
        <translation>tous les cœurs (%1)</translation>
    </message>
    <message>
        <source>Threads of the forward pass (OpenMP and OpenBLAS).</source>
        <translation>Threads de la passe avant (OpenMP et OpenBLAS).</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> jetons</translation>
    </message>
    <message>
        <source>Tokens per chunk of the forward pass; the curves update once per chunk. Larger chunks are a little faster, smaller ones update sooner.</source>
        <translation>Jetons par bloc de la passe avant ; les courbes se mettent à jour une fois par bloc. Les grands blocs sont un peu plus rapides, les petits mettent à jour plus tôt.</translation>
    </message>
    <message>
        <source>How much of the evaluation text the live curves use: the longest context they show.</source>
        <translation>Quelle part du texte d&apos;évaluation les courbes en direct utilisent : le plus long contexte qu&apos;elles montrent.</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> Mio</translation>
    </message>
    <message>
        <source>Memory for the layer inputs the live curve keeps, so that moving one layer&apos;s slider recomputes only from that layer on. 0 turns it off.</source>
        <translation>Mémoire pour les entrées de couche que garde la courbe en direct, afin que déplacer le curseur d&apos;une couche ne recalcule qu&apos;à partir de cette couche. 0 la désactive.</translation>
    </message>
    <message>
        <source>Start each fixed window with the BOS token (the paper&apos;s protocol)</source>
        <translation>Commencer chaque fenêtre fixe par le jeton BOS (le protocole de l&apos;article)</translation>
    </message>
    <message>
        <source>Engine &amp;threads:</source>
        <translation>&amp;Threads du moteur :</translation>
    </message>
    <message>
        <source>&amp;Chunk size:</source>
        <translation>Taille des &amp;blocs :</translation>
    </message>
    <message>
        <source>&amp;Max tokens:</source>
        <translation>&amp;Jetons max :</translation>
    </message>
    <message>
        <source>Layer &amp;cache:</source>
        <translation>C&amp;ache des couches :</translation>
    </message>
    <message>
        <source>Fixed-window protocol only. Off: each window starts with the text itself; on: with the BOS token first, as in the paper.</source>
        <translation>Protocole à fenêtres fixes seulement. Désactivé : chaque fenêtre commence par le texte lui-même ; activé : par le jeton BOS d’abord, comme dans l’article.</translation>
    </message>
    <message>
        <source>The curves are computed again with the new values when you press OK. The settings are kept for the next start.</source>
        <translation>Les courbes sont recalculées avec les nouvelles valeurs quand vous appuyez sur OK. Les réglages sont gardés pour le prochain démarrage.</translation>
    </message>
</context>
<context>
    <name>mscope::SpectrumDensity</name>
    <message>
        <source>memory τ (tokens)</source>
        <translation>mémoire τ (jetons)</translation>
    </message>
    <message>
        <source>decay rate α</source>
        <translation>taux de décroissance α</translation>
    </message>
    <message>
        <source>eigenvalue λ = exp(−α)</source>
        <translation>valeur propre λ = exp(−α)</translation>
    </message>
</context>
<context>
    <name>mscope::SpectrumHeatmap</name>
    <message>
        <source>Each row is a layer; across, the memory τ of its modes (how many tokens a mode remembers) on a log axis; darker = more modes. Modes right of the training length remember longer than anything seen in training.</source>
        <translation>Chaque ligne est une couche ; en abscisse, la mémoire τ de ses modes (combien de jetons un mode retient) sur un axe logarithmique ; plus c&apos;est foncé, plus il y a de modes. Les modes à droite de la longueur d&apos;entraînement retiennent plus longtemps que tout ce qui a été vu à l&apos;entraînement.</translation>
    </message>
    <message>
        <source> With a scaling, the upper half of a row is the model as loaded (grey), the lower half the scaled model (blue). The column on the right gives the share of modes beyond the training length. Click a row to see that layer in detail.</source>
        <translation> Avec une mise à l&apos;échelle, la moitié supérieure d&apos;une ligne est le modèle tel que chargé (gris), la moitié inférieure le modèle mis à l&apos;échelle (bleu). La colonne de droite donne la part des modes au-delà de la longueur d&apos;entraînement. Cliquez sur une ligne pour voir cette couche en détail.</translation>
    </message>
    <message>
        <source>Spectrum per layer</source>
        <translation>Spectre par couche</translation>
    </message>
    <message>
        <source>Spectrum per layer — %1%2</source>
        <translation>Spectre par couche — %1%2</translation>
    </message>
    <message>
        <source>, log scale</source>
        <translation>, échelle logarithmique</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>Aucun modèle chargé</translation>
    </message>
    <message>
        <source>training %1</source>
        <translation>entraînement %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>cible %1</translation>
    </message>
    <message>
        <source>L%1</source>
        <translation>L%1</translation>
    </message>
    <message>
        <source>τ &gt; train</source>
        <translation>τ &gt; entr.</translation>
    </message>
    <message>
        <source>upper half of each row: as loaded (grey) · lower half: scaled (blue) · darker = more modes</source>
        <translation>moitié haute de chaque ligne : tel que chargé (gris) · moitié basse : mis à l&apos;échelle (bleu) · plus foncé = plus de modes</translation>
    </message>
    <message>
        <source>darker = more of the layer&apos;s modes</source>
        <translation>plus foncé = plus de modes de la couche</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Layer %1&lt;/b&gt;&lt;br&gt;%2 %3&lt;br&gt;as loaded: %4% of modes</source>
        <translation>&lt;b&gt;Couche %1&lt;/b&gt;&lt;br&gt;%2 %3&lt;br&gt;tel que chargé : %4 % des modes</translation>
    </message>
    <message>
        <source>&lt;br&gt;scaled: %1% of modes</source>
        <translation>&lt;br&gt;mis à l&apos;échelle : %1 % des modes</translation>
    </message>
    <message>
        <source>&lt;br&gt;median as loaded: %1</source>
        <translation>&lt;br&gt;médiane telle que chargée : %1</translation>
    </message>
    <message>
        <source>, scaled: %1</source>
        <translation>, mise à l&apos;échelle : %1</translation>
    </message>
    <message>
        <source>Spectrum</source>
        <translation>Spectre</translation>
    </message>
    <message>
        <source>labels: one layer in %1 · </source>
        <translation>étiquettes : une couche sur %1 · </translation>
    </message>
    <message>
        <source>1 in %1</source>
        <translation>1 sur %1</translation>
    </message>
</context>
<context>
    <name>mscope::SpectrumPanel</name>
    <message>
        <source>&amp;Show:</source>
        <translation>&amp;Afficher :</translation>
    </message>
    <message>
        <source>Memory τ (tokens)</source>
        <translation>Mémoire τ (jetons)</translation>
    </message>
    <message>
        <source>Decay rate α</source>
        <translation>Taux de décroissance α</translation>
    </message>
    <message>
        <source>Eigenvalue λ = exp(−α)</source>
        <translation>Valeur propre λ = exp(−α)</translation>
    </message>
    <message>
        <source>τ = 1/(Δ̄·α) is how many tokens a mode remembers (Δ̄: the mean step size measured on a calibration text); α and λ are the raw spectrum.</source>
        <translation>τ = 1/(Δ̄·α) est le nombre de jetons dont un mode se souvient (Δ̄ : le pas moyen mesuré sur un texte de calibration) ; α et λ sont le spectre brut.</translation>
    </message>
</context>
<context>
    <name>mscope::StateNormChart</name>
    <message>
        <source>Recurrent state size against position</source>
        <translation>Taille de l&apos;état récurrent selon la position</translation>
    </message>
    <message>
        <source>Tokens seen</source>
        <translation>Jetons lus</translation>
    </message>
    <message>
        <source>State norm</source>
        <translation>Norme de l&apos;état</translation>
    </message>
    <message>
        <source>dashed: as loaded</source>
        <translation>tirets : d&apos;origine</translation>
    </message>
    <message>
        <source>How large each layer&apos;s recurrent state grows as the model reads on (L2 over the state dimension; max or mean over channels). It levels off within the training length in a healthy layer; a state that keeps growing past it has left what the model saw in training.</source>
        <translation>À quel point l&apos;état récurrent de chaque couche grandit à mesure que le modèle lit (norme L2 sur la dimension d&apos;état ; maximum ou moyenne sur les canaux). Dans une couche saine, il se stabilise avant la longueur d&apos;entraînement ; un état qui continue de croître au-delà a quitté ce que le modèle a vu à l&apos;entraînement.</translation>
    </message>
    <message>
        <source> Dashed: the model as loaded. Solid: the current scaling. Choose the layers shown in the panel&apos;s Layers menu.</source>
        <translation> Tirets : le modèle tel que chargé. Trait plein : la mise à l&apos;échelle actuelle. Choisissez les couches affichées dans le menu Couches du panneau.</translation>
    </message>
    <message>
        <source>L%1</source>
        <translation>L%1</translation>
    </message>
    <message>
        <source>training %1</source>
        <translation>entraînement %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>cible %1</translation>
    </message>
    <message>
        <source>State size against position</source>
        <translation>Taille de l’état selon la position</translation>
    </message>
    <message>
        <source>State size</source>
        <translation>Taille de l’état</translation>
    </message>
    <message>
        <source>State norm (log scale)</source>
        <translation>Norme de l’état (échelle log)</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>norme</translation>
    </message>
    <message>
        <source>&lt;b&gt;after %1 tokens&lt;/b&gt; (as loaded → scaled)</source>
        <translation>&lt;b&gt;après %1 jetons&lt;/b&gt; (tel que chargé → mis à l’échelle)</translation>
    </message>
    <message>
        <source>L%1: %2 → %3</source>
        <translation>L%1 : %2 → %3</translation>
    </message>
</context>
<context>
    <name>mscope::StatePanel</name>
    <message>
        <source>Layers</source>
        <translation>Couches</translation>
    </message>
    <message>
        <source>Choose the layers drawn.</source>
        <translation>Choisir les couches tracées.</translation>
    </message>
    <message>
        <source>Largest channel</source>
        <translation>Canal le plus grand</translation>
    </message>
    <message>
        <source>Mean over channels</source>
        <translation>Moyenne sur les canaux</translation>
    </message>
    <message>
        <source>Per channel the L2 norm over the state dimension, then the largest or the mean over a layer&apos;s channels.</source>
        <translation>Par canal, la norme L2 sur la dimension d&apos;état, puis le maximum ou la moyenne sur les canaux d&apos;une couche.</translation>
    </message>
    <message>
        <source>Norm:</source>
        <translation>Norme :</translation>
    </message>
    <message>
        <source>All layers</source>
        <translation>Toutes les couches</translation>
    </message>
    <message>
        <source>No layer</source>
        <translation>Aucune couche</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>Couche %1</translation>
    </message>
</context>
<context>
    <name>mscope::TextSpreadChart</name>
    <message>
        <source>as loaded: mean, band = lowest to highest text</source>
        <translation>tel que chargé : moyenne, bande = du texte le plus bas au plus haut</translation>
    </message>
    <message>
        <source>scaled</source>
        <translation>mis à l’échelle</translation>
    </message>
    <message>
        <source>Perplexity on several texts</source>
        <translation>Perplexité sur plusieurs textes</translation>
    </message>
    <message>
        <source>Several texts</source>
        <translation>Plusieurs textes</translation>
    </message>
    <message>
        <source>Position in each text (tokens of context)</source>
        <translation>Position dans chaque texte (jetons de contexte)</translation>
    </message>
    <message>
        <source>Position (tokens)</source>
        <translation>Position (jetons)</translation>
    </message>
    <message>
        <source>Perplexity (log scale)</source>
        <translation>Perplexité (échelle log)</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>Perplexité</translation>
    </message>
    <message>
        <source>The baseline and the current scaling on every text that is not used for calibration: per position bucket the mean over the texts (line) and the range from the lowest to the highest text (band).</source>
        <translation>La référence et la mise à l’échelle actuelle sur chaque texte non utilisé pour la calibration : par tranche de positions, la moyenne sur les textes (ligne) et l’étendue du texte le plus bas au plus haut (bande).</translation>
    </message>
    <message>
        <source>%1: mean and range</source>
        <translation>%1 : moyenne et étendue</translation>
    </message>
    <message numerus="yes">
        <source>Perplexity on %n texts: %1 against the model as loaded</source>
        <translation>
            <numerusform>Perplexité sur %n texte : %1 face au modèle tel que chargé</numerusform>
            <numerusform>Perplexité sur %n textes : %1 face au modèle tel que chargé</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Perplexity on %n texts</source>
        <translation>
            <numerusform>Perplexité sur %n texte</numerusform>
            <numerusform>Perplexité sur %n textes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;positions %1–%2&lt;/b&gt;, %n text(s)</source>
        <translation>
            <numerusform>&lt;b&gt;positions %1–%2&lt;/b&gt;, %n texte</numerusform>
            <numerusform>&lt;b&gt;positions %1–%2&lt;/b&gt;, %n textes</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;br&gt;as loaded: mean %1 (%2–%3)</source>
        <translation>&lt;br&gt;tel que chargé : moyenne %1 (%2–%3)</translation>
    </message>
    <message>
        <source>&lt;br&gt;scaled: mean %1 (%2–%3)</source>
        <translation>&lt;br&gt;mis à l’échelle : moyenne %1 (%2–%3)</translation>
    </message>
    <message>
        <source>ppl</source>
        <translation>ppl</translation>
    </message>
</context>
<context>
    <name>mscope::ViewExporter</name>
    <message>
        <source>cannot write: %1</source>
        <translation>impossible d&apos;écrire : %1</translation>
    </message>
    <message>
        <source>cannot encode the PNG image</source>
        <translation>impossible d&apos;encoder l&apos;image PNG</translation>
    </message>
    <message>
        <source>Exported from MambaScope</source>
        <translation>Exporté depuis MambaScope</translation>
    </message>
    <message>
        <source>unknown figure format: %1</source>
        <translation>format de figure inconnu : %1</translation>
    </message>
</context>
<context>
    <name>mscope::WorkbenchSession</name>
    <message>
        <source>Computing the baseline curve</source>
        <translation>Calcul de la courbe de référence</translation>
    </message>
    <message>
        <source>Curve unchanged</source>
        <translation>Courbe inchangée</translation>
    </message>
    <message>
        <source>Recomputing the curve from layer %1</source>
        <translation>Recalcul de la courbe à partir de la couche %1</translation>
    </message>
    <message>
        <source>Recomputing the curve</source>
        <translation>Recalcul de la courbe</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>Chargement de %1</translation>
    </message>
    <message>
        <source>Counting tokens</source>
        <translation>Comptage des jetons</translation>
    </message>
    <message>
        <source>%1: %2 tokens is less than one window of %3; choose a shorter window</source>
        <translation>%1 : %2 jetons, c&apos;est moins qu&apos;une fenêtre de %3 ; choisissez une fenêtre plus courte</translation>
    </message>
    <message>
        <source>streaming</source>
        <translation>flux</translation>
    </message>
    <message>
        <source>windows of %1</source>
        <translation>fenêtres de %1</translation>
    </message>
    <message>
        <source>Measuring Δ on %1</source>
        <translation>Mesure de Δ sur %1</translation>
    </message>
    <message>
        <source>Tick at least one calibration text other than the evaluation text in the Model &amp; texts panel.</source>
        <translation>Cochez au moins un texte de calibration autre que le texte d&apos;évaluation dans le panneau Modèle et textes.</translation>
    </message>
    <message>
        <source>Calibrating (%1)</source>
        <translation>Calibration (%1)</translation>
    </message>
    <message>
        <source>Baking %1</source>
        <translation>Écriture de %1</translation>
    </message>
    <message>
        <source>%1: not enough memory</source>
        <translation>%1 : mémoire insuffisante</translation>
    </message>
    <message>
        <source>Δ statistics on %1</source>
        <translation>Statistiques de Δ sur %1</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>Calibrage</translation>
    </message>
    <message numerus="yes">
        <source>Factor sweep (%n pass(es))</source>
        <translation>
            <numerusform>Balayage du facteur (%n passe)</numerusform>
            <numerusform>Balayage du facteur (%n passes)</numerusform>
        </translation>
    </message>
    <message>
        <source>Factor sweep</source>
        <translation>Balayage du facteur</translation>
    </message>
    <message>
        <source>%1 on %2, %3 tokens streamed</source>
        <translation>%1 sur %2, %3 jetons en flux</translation>
    </message>
    <message numerus="yes">
        <source>Comparing on %n text(s)</source>
        <translation>
            <numerusform>Comparaison sur %n texte</numerusform>
            <numerusform>Comparaison sur %n textes</numerusform>
        </translation>
    </message>
    <message>
        <source>Comparison on several texts</source>
        <translation>Comparaison sur plusieurs textes</translation>
    </message>
    <message>
        <source>No text is left out of the calibration to test it on.</source>
        <translation>Aucun texte n’est laissé hors de la calibration pour la tester.</translation>
    </message>
    <message numerus="yes">
        <source>Testing the calibration on %n held-out text(s)</source>
        <translation>
            <numerusform>Test de la calibration sur %n texte réservé</numerusform>
            <numerusform>Test de la calibration sur %n textes réservés</numerusform>
        </translation>
    </message>
    <message>
        <source>Held-out test of the calibration</source>
        <translation>Test de la calibration sur textes réservés</translation>
    </message>
    <message>
        <source>Exporting %1</source>
        <translation>Exportation de %1</translation>
    </message>
</context>
</TS>
