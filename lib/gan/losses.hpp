// GAN losses computed from the discriminator's logits (pre-sigmoid outputs), numerically
// stable (softplus forms). Each returns the loss value (a mean over the batch) and writes its
// gradient with respect to every logit (so already divided by the batch size).
#pragma once

#include <cstdint>
#include <string>

namespace gantool {

// The adversarial game's loss family (the discriminator's and the generator's losses).
enum class GanLoss {
  nonsaturating,  // D: cross-entropy; G: −E[log D(G(z))] (Goodfellow et al. 2014, sec. 3)
  minimax,        // D: cross-entropy; G: E[log(1 − D(G(z)))], the saturating original
  hinge,          // D: E[max(0, 1 − r)] + E[max(0, 1 + f)]; G: −E[f] (Lim & Ye 2017)
  least_squares,  // D: ½E[(r − 1)²] + ½E[f²]; G: ½E[(f − 1)²] (Mao et al. 2017)
  wasserstein,    // D: E[f] − E[r]; G: −E[f] (Arjovsky et al. 2017), with weight clipping
};

// Names as accepted by --loss ("nonsaturating", "minimax", "hinge", "least-squares",
// "wasserstein"); parse throws UsageError listing them.
GanLoss parse_gan_loss(const std::string& name);
const char* gan_loss_name(GanLoss loss);

// The discriminator's loss on n_real real logits and n_fake fake logits (r and f above;
// for the cross-entropy losses D = sigmoid(logit), loss −E[log D(x)] − E[log(1 − D(G(z)))]).
// Writes d loss / d logit into diff_real (n_real) and diff_fake (n_fake).
double discriminator_loss(GanLoss loss, const float* real, int64_t n_real, const float* fake,
                          int64_t n_fake, float* diff_real, float* diff_fake);

// The generator's loss on n fake logits; writes d loss / d logit into diff_fake (n).
double generator_loss(GanLoss loss, const float* fake, int64_t n, float* diff_fake);

// Numerically stable log(1 + exp(x)) and the logistic sigmoid, in double.
double softplus(double x);
double sigmoid(double x);

}  // namespace gantool
