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
</context>
<context>
    <name>mscope::AboutDialog</name>
    <message>
        <source>About MambaScope</source>
        <translation>À propos de MambaScope</translation>
    </message>
    <message>
        <source>&lt;h2&gt;MambaScope %1&lt;/h2&gt;&lt;p&gt;A workbench for studying and fixing the length generalization of Mamba language models by &lt;b&gt;spectrum scaling&lt;/b&gt;: look at each layer&apos;s spectrum, rescale it, and watch perplexity against context length respond.&lt;/p&gt;&lt;p&gt;Method: Mamba Modulation: On the Length Generalization of Mamba (arXiv 2509.19633, NeurIPS 2025); Δ-scaling baseline from MambaExtend (ICLR 2025).&lt;/p&gt;&lt;h3&gt;Licences&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;MambaScope&lt;/b&gt; and its demo model: GNU General Public License, version 3 or later (GPL-3.0-or-later). No warranty.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Qt %2&lt;/b&gt; (Widgets, Charts, SVG): The Qt Company, used under the GNU (L)GPL version 3.&lt;/li&gt;&lt;li&gt;&lt;b&gt;GPT-NeoX-20B tokenizer&lt;/b&gt; (tokenizer.json): EleutherAI, Apache License 2.0.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Demo texts&lt;/b&gt;: Project Gutenberg books by Austen, Melville, Shelley and Stoker, public domain in the USA.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Eigen&lt;/b&gt;: Mozilla Public License 2.0. &lt;b&gt;OpenBLAS&lt;/b&gt;: BSD 3-Clause licence (kernels in use: %3).&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>&lt;h2&gt;MambaScope %1&lt;/h2&gt;&lt;p&gt;Un atelier pour étudier et corriger la généralisation en longueur des modèles de langue Mamba par &lt;b&gt;mise à l&apos;échelle du spectre&lt;/b&gt; : examinez le spectre de chaque couche, changez son échelle et observez la réponse de la perplexité selon la longueur de contexte.&lt;/p&gt;&lt;p&gt;Méthode : Mamba Modulation: On the Length Generalization of Mamba (arXiv 2509.19633, NeurIPS 2025) ; référence de mise à l&apos;échelle de Δ tirée de MambaExtend (ICLR 2025).&lt;/p&gt;&lt;h3&gt;Licences&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;MambaScope&lt;/b&gt; et son modèle de démonstration : licence publique générale GNU, version 3 ou ultérieure (GPL-3.0-or-later). Aucune garantie.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Qt %2&lt;/b&gt; (Widgets, Charts, SVG) : The Qt Company, utilisé sous la licence GNU (L)GPL version 3.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Tokeniseur GPT-NeoX-20B&lt;/b&gt; (tokenizer.json) : EleutherAI, licence Apache 2.0.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Textes de démonstration&lt;/b&gt; : livres d&apos;Austen, Melville, Shelley et Stoker issus du Projet Gutenberg, dans le domaine public aux États-Unis.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Eigen&lt;/b&gt; : Mozilla Public License 2.0. &lt;b&gt;OpenBLAS&lt;/b&gt; : licence BSD à 3 clauses (noyaux utilisés : %3).&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
</context>
<context>
    <name>mscope::CalibrationDialog</name>
    <message>
        <source>Calibrate the scaling</source>
        <translation>Calibrer la mise à l&apos;échelle</translation>
    </message>
    <message>
        <source>Searches one factor per layer that minimizes perplexity at the target length on the calibration texts (never the evaluation text). The sliders follow the best point found; Stop keeps it.</source>
        <translation>Cherche pour chaque couche le facteur qui minimise la perplexité à la longueur cible sur les textes de calibration (jamais sur le texte d&apos;évaluation). Les curseurs suivent le meilleur point trouvé ; Arrêter le conserve.</translation>
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
        <source>Forward passes of the target length over the whole search; both methods get the same budget so they can be compared.</source>
        <translation>Passes avant de la longueur cible sur toute la recherche ; les deux méthodes reçoivent le même budget pour pouvoir être comparées.</translation>
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
        <source>Texts:</source>
        <translation>Textes :</translation>
    </message>
    <message>
        <source>Calibrate</source>
        <translation>Calibrer</translation>
    </message>
    <message>
        <source>About %1 million tokens through the model</source>
        <translation>Environ %1 millions de jetons à faire passer dans le modèle</translation>
    </message>
    <message>
        <source>, roughly %1 s at the current speed.</source>
        <translation>, soit environ %1 s à la vitesse actuelle.</translation>
    </message>
    <message>
        <source>, roughly %1 min at the current speed.</source>
        <translation>, soit environ %1 min à la vitesse actuelle.</translation>
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
        <source>Alt+1</source>
        <translation>Alt+1</translation>
    </message>
    <message>
        <source>Alt+2</source>
        <translation>Alt+2</translation>
    </message>
    <message>
        <source>Alt+3</source>
        <translation>Alt+3</translation>
    </message>
    <message>
        <source>Alt+4</source>
        <translation>Alt+4</translation>
    </message>
    <message>
        <source>Alt+5</source>
        <translation>Alt+5</translation>
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
        <source>Calibrating: %1 of %2 forward passes · %3 · best perplexity %4 (start %5)</source>
        <translation>Calibration : %1 passes avant sur %2 · %3 · meilleure perplexité %4 (départ %5)</translation>
    </message>
    <message>
        <source>Bake Checkpoint into a New Folder</source>
        <translation>Figer le point de contrôle dans un nouveau dossier</translation>
    </message>
    <message>
        <source>Open Model Folder</source>
        <translation>Ouvrir un dossier de modèle</translation>
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
        <source>&lt;p&gt;&lt;b&gt;Perplexity&lt;/b&gt;: how surprised the model is by each next token, against how far into the text it is. Past the &lt;span style=&apos;color:#d95f02&apos;&gt;training length&lt;/span&gt; the grey curve climbs: the model fails on contexts longer than it was trained on.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Spectrum&lt;/b&gt;: every layer&apos;s memory times τ. Modes that remember longer than the training length make the state grow where the model never saw it grow (&lt;b&gt;State convergence&lt;/b&gt;).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Scaling&lt;/b&gt;: drag a fader to shorten those memories in one layer, or the &lt;b&gt;All&lt;/b&gt; fader for every layer; the blue curves follow within a second. &lt;b&gt;Calibrate…&lt;/b&gt; searches the factors for you.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Perplexité&lt;/b&gt; : à quel point le modèle est surpris par chaque jeton suivant, selon sa position dans le texte. Passé la &lt;span style=&apos;color:#d95f02&apos;&gt;longueur d&apos;entraînement&lt;/span&gt;, la courbe grise monte : le modèle échoue sur des contextes plus longs que ceux de son entraînement.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Spectre&lt;/b&gt; : les durées de mémoire τ de chaque couche. Les modes qui retiennent plus longtemps que la longueur d&apos;entraînement font croître l&apos;état là où le modèle ne l&apos;a jamais vu croître (&lt;b&gt;Convergence de l&apos;état&lt;/b&gt;).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Mise à l&apos;échelle&lt;/b&gt; : faites glisser un curseur pour raccourcir ces mémoires dans une couche, ou le curseur &lt;b&gt;Toutes&lt;/b&gt; pour toutes les couches ; les courbes bleues suivent en moins d&apos;une seconde. &lt;b&gt;Calibrer…&lt;/b&gt; cherche les facteurs pour vous.&lt;/p&gt;</translation>
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
        <source>%1 per layer</source>
        <translation>%1 par couche</translation>
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
        <source>Perplexity of the next token against its position in the text, averaged over log-spaced position buckets. A curve that climbs past the training length (shaded) is the length-generalization failure; spectrum scaling flattens it.</source>
        <translation>Perplexité du jeton suivant selon sa position dans le texte, moyennée sur des intervalles de positions espacés logarithmiquement. Une courbe qui monte au-delà de la longueur d&apos;entraînement (zone ombrée) est l&apos;échec de la généralisation en longueur ; la mise à l&apos;échelle du spectre l&apos;aplatit.</translation>
    </message>
    <message>
        <source> Grey: the model as loaded. Blue: the current scaling, recomputed each time a slider moves. Pinned curves keep earlier settings for comparison.</source>
        <translation> Gris : le modèle tel que chargé. Bleu : la mise à l&apos;échelle actuelle, recalculée à chaque mouvement d&apos;un curseur. Les courbes épinglées gardent des réglages précédents pour comparaison.</translation>
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
        <source>%1 (computing…)</source>
        <translation>%1 (calcul en cours…)</translation>
    </message>
    <message>
        <source>Perplexity against context length</source>
        <translation>Perplexité selon la longueur de contexte</translation>
    </message>
    <message>
        <source> · legend: perplexity at %1–%2</source>
        <translation> · légende : perplexité à %1–%2</translation>
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
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;positions %2–%3&lt;br&gt;perplexity %4 (%5 tokens)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;positions %2–%3&lt;br&gt;perplexité %4 (%5 jetons)</translation>
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
        <source>Protocol: </source>
        <translation>Protocole : </translation>
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
</context>
</TS>
